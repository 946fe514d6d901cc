"""A pane's live refresh: one tick at a time, re-armed after each fetch, paused while hidden.

The loop never runs on a clock of its own: a pane calls ``arm()`` when a fetch
ends (success or failure), so a service slower than the interval slows the loop
down instead of stacking requests, and ``pause()`` when its tab is hidden.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget


class RefreshLoop:
    """Calls ``tick`` ``seconds`` after each ``arm()``, while the pane is shown.

    Args:
        pane: The pane that owns the loop (its timers die with it).
        seconds: Time between the end of one fetch and the next; ``None`` or 0 turns the
            loop off (snapshots, tests).
        tick: Starts the next fetch; the fetch must call ``arm()`` when it ends.
        name: The timer's name, for Textual's debug output.
    """

    def __init__(self, pane: Widget, seconds: float | None, tick: Callable[[], None], *,
                 name: str) -> None:
        self.pane = pane
        self.seconds = seconds
        self._tick = tick
        self.name = name
        self.shown = True
        """Whether the pane's tab is active; the loop only runs then."""
        self._timer: Timer | None = None

    @property
    def armed(self) -> bool:
        """Whether a tick is scheduled."""
        return self._timer is not None

    def arm(self) -> None:
        """Schedule the next tick (replacing one already scheduled)."""
        self.stop()
        if self.seconds and self.shown:
            self._timer = self.pane.set_timer(self.seconds, self._fire, name=self.name)

    def stop(self) -> None:
        """Cancel the scheduled tick, if any."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def pause(self) -> None:
        """The pane was hidden: no tick until it is shown again."""
        self.shown = False
        self.stop()

    def resume(self) -> None:
        """The pane was shown: ticks may run again (the pane fetches at once, then arms)."""
        self.shown = True

    def _fire(self) -> None:
        self._timer = None
        if not self.pane.size.area:  # in a tab never shown yet: keep the loop, skip the fetch
            self.arm()
            return
        self._tick()
