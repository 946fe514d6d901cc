"""The status at the top of a pane: what it shows, and what went wrong.

A live pane's refresh that fails is said here, once, and kept up to date (since when,
how many attempts, what to do) rather than as a new notification every few seconds;
the pane's own text comes back with the first refresh that works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from textual.visual import VisualType
from textual.widgets import Static


@dataclass(frozen=True)
class Failure:
    """A refresh that keeps failing: what it says, since when, how many times."""

    message: str
    hint: str
    since: datetime
    attempts: int

    def text(self) -> str:
        """``⚠ cannot reach balena API … · failing since 14:02:11, 3 attempts · hint``."""
        tries = "1 attempt" if self.attempts == 1 else f"{self.attempts} attempts"
        parts = [f"⚠ {self.message}", f"failing since {self.since:%H:%M:%S}, {tries}", self.hint]
        return " · ".join(part for part in parts if part)


class StatusLine(Static):
    """Says what the pane shows (``12 fleets · 300 devices``), literally, never as markup.

    Long text wraps at word boundaries (up to three rows) instead of being cut. Live
    panes set it after every refresh; an unchanged text is not drawn again, so an idle
    pane writes nothing to the terminal (over SSH every repaint costs bytes).
    """

    DEFAULT_CSS = """
    StatusLine { height: auto; max-height: 3; background: $boost; color: $text; padding: 0 1; }
    StatusLine.-failing { color: $text-error; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self._shown: VisualType = text
        self._said: VisualType = text
        """What the pane last asked to show (shown again once its refreshes work)."""
        self.failure: Failure | None = None
        """The pane's refreshes failing since some time, if they are."""

    def show(self, *parts: str) -> None:
        """Show the non-empty ``parts``, separated by `` · ``."""
        self.update(" · ".join(part for part in parts if part))

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show ``content`` unless it is already shown (or a failure is shown instead).

        A short text never needs a layout pass (one would redraw the screen's scrollbars
        too); one that wraps, or replaces one that wrapped, does.
        """
        self._said = content
        if self.failure is None:
            self._draw(content, layout)

    def fail(self, message: str, hint: str = "") -> None:
        """A refresh failed (again): say so, counting the failed fetches since the first."""
        previous = self.failure
        self.failure = Failure(
            message, hint, previous.since if previous else datetime.now(),
            previous.attempts + 1 if previous else 1,
        )
        self.add_class("-failing")
        self._draw(self.failure.text(), False)

    def recovered(self) -> None:
        """A refresh worked: the service is back, and so is the pane's own text."""
        if self.failure is None:
            return
        self.failure = None
        self.remove_class("-failing")
        self._draw(self._said, False)

    def _draw(self, content: VisualType, layout: bool) -> None:
        if isinstance(content, str) and content == self._shown:
            return
        layout = layout or self._wraps(content) or self._wraps(self._shown)
        self._shown = content
        super().update(content, layout=layout)

    def _wraps(self, content: VisualType) -> bool:
        """Whether ``content`` may take more than one row (anything but a short text)."""
        width = self.content_region.width
        return not isinstance(content, str) or not width or cell_len(content) > width
