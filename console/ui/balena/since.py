"""The Devices pane's "since last look": checked once on open, saved when the pane is left.

When is a look "seen"? When the operator leaves the pane (another tab, another
profile, quitting) or says so (``z``): what was on screen then is what they saw. Not
after every refresh: a refresh that nobody looked at (a hidden tab, a console left
open overnight) would swallow the very changes the next open should report. A console
killed without leaving keeps the older look, so the next open reports more, never less.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from console.backends.balena import BalenaClient, Device
from console.lastlook.devices import GLYPHS, DeviceChanges, DeviceLook, compare, remember
from console.profiles import last_look

PANE = "devices"
NEW_MARKED = 100
"""New devices fetched to mark their rows; more are only counted."""


class DevicesSince:
    """What the Devices pane remembers of the last look, and what changed since.

    Args:
        profile: The profile's name (two profiles never share a look).
    """

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self.look: DeviceLook | None = None
        self.taken_at: float | None = None
        """When the last look was taken (seconds since the epoch)."""
        self.started = False
        """Whether the check on open has begun (it runs once per pane)."""
        self.checked = False
        """Whether it finished: only then is there anything to save."""
        self.changes: DeviceChanges | None = None
        self._max_id: int | None = None
        self._far: list[Device] = []
        """Devices of the last look that were not loaded, as they are now."""
        self._gone: set[int] = set()

    async def check(self, client: BalenaClient, loaded: list[Device]) -> DeviceChanges | None:
        """Compare the last look with the devices now; ``None`` on the first open ever.

        Devices of the look that are not loaded are looked up by id (a device missing
        then is gone); devices above the look's highest id are new.

        Raises:
            ConsoleError: a request failed.
        """
        stored = await asyncio.to_thread(last_look.load, self.profile, PANE)
        newest = await client.devices.list(sort="id", descending=True, top=1)
        self._max_id = newest.devices[0].id if newest.devices else 0
        if stored is None:
            self.checked = True
            return None
        look = self.look = DeviceLook.from_data(stored.data)
        self.taken_at = stored.taken_at
        loaded_ids = {device.id for device in loaded}
        far_ids = [device_id for device_id in look.devices if device_id not in loaded_ids]
        self._far = await client.devices.by_ids(far_ids) if far_ids else []
        new_total, new = 0, []
        if look.max_id is not None:
            page = await client.devices.list(text=f"id>{look.max_id}", sort="id", top=NEW_MARKED)
            new_total, new = page.total, page.devices
        now = [*loaded, *self._far, *new]
        present = {device.id for device in now}
        self._gone = {device_id for device_id in look.devices if device_id not in present}
        self.changes = compare(look, now, new_total=new_total)
        self.checked = True
        return self.changes

    def shown(self) -> tuple[dict[int, str], str]:
        """The row marks (device id → glyph) and the summary line; nothing when unchanged."""
        if self.changes is None or self.taken_at is None:
            return {}, ""
        text = self.changes.summary(time.time() - self.taken_at, hint="z: seen")
        marks = {device_id: GLYPHS[kind] for device_id, kind in self.changes.marks.items()}
        return (marks if text else {}), text

    def save(self, seen: Iterable[Device]) -> None:
        """Remember ``seen`` (the loaded devices) as the operator's last look.

        Blocking (a file write): call it from a thread, or while the app closes. A
        write that fails is dropped: the next open then reports since the older look.
        """
        if not self.checked:
            return  # the check never ran (the service was down): keep the older look
        look = remember(self.look, [*seen, *self._far], max_id=self._max_id, forget=self._gone)
        try:
            last_look.save(self.profile, PANE, look.to_data())
        except (OSError, ValueError):
            return
        self.look = look
