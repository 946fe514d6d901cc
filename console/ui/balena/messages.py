"""Results the balena panes' workers post back to the panes (dataclass messages)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from console.backends.balena import ActionResult, DevicePage, Fleet


@dataclass
class DevicesLoaded(Message):
    """A page of devices arrived; ``append`` when it continues the loaded rows."""

    page: DevicePage
    append: bool
    generation: int
    """Which query it answers; stale pages (an older filter or sort) are dropped."""


@dataclass
class DevicesRefreshed(Message):
    """A fresh read of the rows around the screen, for a keyed update."""

    page: DevicePage
    window: int
    """How many rows were asked for, from ``page.skip``: the pages on screen and a margin."""
    generation: int
    """Which query it answers; a refresh of an older filter or sort is dropped."""

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
