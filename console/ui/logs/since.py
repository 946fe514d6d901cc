"""The Logs pane's "since last look": the last line read per device, kept per profile.

A line counts as read once it was on screen while the pane was shown; the look is
taken when the operator leaves the pane (another tab, another profile, quitting):
lines that arrived while it was hidden were not read. When devices are followed
again, the backlog that comes first is compared with the look (``Unread``): the
lines after the last one read are counted and a divider goes before the first.
"""

from __future__ import annotations

from collections.abc import Iterable

from console.backends.balena.logs import LogEvent, Notice
from console.lastlook.logs import DIVIDER, Unread, from_data, last_read, remember, to_data
from console.profiles import last_look

PANE = "logs"


def is_divider(event: LogEvent) -> bool:
    """Whether ``event`` is the since-last-look divider (not a line of the device's)."""
    return isinstance(event, Notice) and event.uuid == DIVIDER


class LogsSince:
    """The devices' last lines read, and what is unread in the devices followed now.

    Args:
        profile: The profile's name (two profiles never share a look).
    """

    def __init__(self, profile: str, *, backlog: int) -> None:
        self.profile = profile
        self.backlog = backlog
        self.read: dict[str, int] | None = None
        """Device uuid → ``createdAt`` of the last line read (``None`` until loaded)."""
        self.unread: Unread | None = None

    def start(self, followed: list[str]) -> None:
        """Devices are followed: compare their backlog with the look (blocking: a file read)."""
        stored = last_look.load(self.profile, PANE)
        if self.read is None:
            self.read = from_data(stored.data) if stored is not None else {}
        age = stored.age() if stored is not None else 0.0
        self.unread = Unread(self.read, followed, backlog=self.backlog, age=age)

    def mark(self, batch: list[LogEvent]) -> list[LogEvent]:
        """The batch, with the divider before its first unread line (backlog only)."""
        return batch if self.unread is None else self.unread.mark(batch)

    def text(self) -> str:
        """``12 new lines since last look (2 h ago)``, or empty."""
        return self.unread.text() if self.unread is not None else ""

    def save(self, shown: Iterable[LogEvent]) -> None:
        """Keep the newest line of each device among ``shown`` as read (blocking: a write).

        A write that fails is dropped: the next open counts from the older look.
        """
        read = last_read(shown)
        if not read:
            return
        merged = remember(self.read or {}, read)
        try:
            last_look.save(self.profile, PANE, to_data(merged))
        except (OSError, ValueError):
            return
        self.read = merged
