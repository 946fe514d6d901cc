"""Logs since last look: the last line read per device, and the lines written since.

A line is known by its ``createdAt`` (server receive time, ms, unique and rising per
device), so "read up to" is one number per device; a look keeps ``LIMIT`` devices, the
most recently read first. When followed again, the backlog that arrives first is
compared with it: the lines after the last one read are counted, and a divider goes
before the first of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from console.backends.balena.logs import LogEvent, LogLine, Notice
from console.lastlook.words import ago

DIVIDER = "since-last-look"
"""The ``uuid`` of the notice that marks where the unread lines begin."""
LIMIT = 1_000
"""Devices a look keeps (about 60 KB)."""


def to_data(read: Mapping[str, int]) -> dict[str, Any]:
    """The JSON form ``last_look.save`` stores."""
    return {"devices": dict(read)}


def from_data(data: Mapping[str, Any]) -> dict[str, int]:
    """Read a stored look: device uuid → ``createdAt`` of the last line read."""
    devices = data.get("devices")
    if not isinstance(devices, dict):
        return {}
    return {str(uuid): ms for uuid, ms in devices.items() if isinstance(ms, int)}


def last_read(events: Iterable[LogEvent]) -> dict[str, int]:
    """The newest line of each device among ``events`` (those the operator had on screen)."""
    newest: dict[str, int] = {}
    for event in events:
        if type(event) is LogLine and event.created_at > newest.get(event.uuid, -1):
            newest[event.uuid] = event.created_at
    return newest


def remember(previous: Mapping[str, int], read: Mapping[str, int]) -> dict[str, int]:
    """The next look: ``read`` over ``previous`` (never going back), newest first, bounded."""
    merged = dict(previous)
    for uuid, ms in read.items():
        merged[uuid] = max(ms, merged.get(uuid, ms))
    newest = sorted(merged.items(), key=lambda item: item[1], reverse=True)[:LIMIT]
    return dict(newest)


class Unread:
    """Counts the lines written since the last look in the backlog that arrives first,
    and puts a divider before the first of them.

    Args:
        previous: The last look (device uuid → last line read).
        followed: The devices followed now.
        backlog: History lines asked for per device: a device whose backlog is all
            unread and that long may have written more than it shows.
        age: Seconds since the last look, for the divider's text.
    """

    def __init__(self, previous: Mapping[str, int], followed: Iterable[str], *,
                 backlog: int, age: float) -> None:
        self.since = {uuid: previous[uuid] for uuid in followed if uuid in previous}
        self.backlog = backlog
        self.age = age
        self.count = 0
        """Unread lines found."""
        self.more = False
        """Whether older unread lines lie beyond the backlog."""
        self.done = not self.since

    def mark(self, batch: list[LogEvent]) -> list[LogEvent]:
        """Return ``batch``, with the divider in it if it is the backlog and holds unread lines."""
        if self.done or not any(type(event) is LogLine for event in batch):
            return batch
        self.done = True  # the first batch with lines holds every device's backlog
        first: int | None = None
        per_device: dict[str, list[bool]] = {}
        for index, event in enumerate(batch):
            if type(event) is not LogLine or event.uuid not in self.since:
                continue
            unread = event.created_at > self.since[event.uuid]
            per_device.setdefault(event.uuid, []).append(unread)
            if unread:
                self.count += 1
                first = index if first is None else first
        self.more = any(flags[0] and len(flags) >= self.backlog for flags in per_device.values())
        if first is None:
            return batch
        return [*batch[:first], Notice(DIVIDER, self.text(), "information"), *batch[first:]]

    def text(self) -> str:
        """``12 new lines since last look (2 h ago)``; empty when there are none."""
        if not self.count:
            return ""
        plural = "s" if self.count != 1 or self.more else ""
        return f"{self.count}{'+' if self.more else ''} new line{plural} since last look " \
               f"({ago(self.age)})"
