"""A chart of job counts by state over time, drawn as one sparkline per state.

Text, not pixels: it works over SSH, in 256 colours and under ``NO_COLOR``, and
the snapshot tests can read it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

BARS = " ▁▂▃▄▅▆▇█"
HISTORY = 60
"""Samples kept per state (one per refresh), and steps drawn."""


def sparkline(values: Sequence[int], width: int) -> str:
    """Draw the last ``width`` values as block characters scaled to their own range."""
    shown = list(values)[-width:]
    if not shown:
        return ""
    low, high = min(shown), max(shown)
    if high == low:
        return BARS[4 if high else 1] * len(shown)
    scale = (len(BARS) - 2) / (high - low)
    return "".join(BARS[1 + round((v - low) * scale)] for v in shown)


class StateChart(Static):
    """Counts by state over the last refreshes; states never seen above zero are left out.

    Every refresh is a sample in ``history``, but only a sample that differs from the one
    before is drawn as a step: a still campaign leaves the chart, and so the terminal,
    untouched between refreshes (over SSH, a redraw every few seconds is a steady trickle).
    """

    DEFAULT_CSS = """
    StateChart { height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.history: dict[str, deque[int]] = {}
        self.steps: deque[dict[str, int]] = deque(maxlen=HISTORY)
        """The samples drawn: each differs from the one before it."""
        self._drawn: str | None = None

    def add(self, totals: Mapping[str, int]) -> None:
        """Record one sample of totals by state; redraw if it differs from the last."""
        for state, count in totals.items():
            self.history.setdefault(state, deque(maxlen=HISTORY)).append(count)
        if not self.steps or self.steps[-1] != totals:
            self.steps.append(dict(totals))
            self.refresh_chart()

    def refresh_chart(self) -> None:
        """Redraw at the current width (nothing is drawn when the text would not change)."""
        width = max(8, (self.size.width or 80) - 30)
        text = Text()
        text.append("Counts by state over time\n", style="bold")
        for state in self.history:
            values = [step.get(state, 0) for step in self.steps]
            if not any(values):
                continue
            text.append(f"{state:<17}")
            text.append(sparkline(values, width).ljust(width))
            text.append(f" {values[-1]:>7}\n")
        if text.markup != self._drawn:
            self._drawn = text.markup
            self.update(text)

    def on_resize(self) -> None:
        self.refresh_chart()
