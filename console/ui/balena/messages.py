"""Results the balena panes' workers post back to the panes (dataclass messages)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from console.backends.balena import ActionResult, Device, DevicePage, Fleet


@dataclass
class DevicesLoaded(Message):
    """A page of devices arrived; ``append`` when it continues the loaded rows."""

    page: DevicePage
    append: bool
    generation: int
    """Which query it answers; stale pages (an older filter or sort) are dropped."""


@dataclass
class DevicesRefreshed(Message):
    """Fresh copies of the loaded devices, for a keyed in-place update."""

    devices: list[Device]

    def can_replace(self, message: Message) -> bool:
        """A newer refresh makes an older, undrawn one pointless."""
        return isinstance(message, DevicesRefreshed)


@dataclass
class ActionsFinished(Message):
    """A bulk action ended; one result per device."""

    action: str
    results: list[ActionResult] = field(default_factory=list)


@dataclass
class FleetsLoaded(Message):
    """The fleets list arrived."""

    fleets: list[Fleet]
