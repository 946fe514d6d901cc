"""The one-line status at the top of a pane: what it shows, and what went wrong."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


class StatusLine(Static):
    """Says what the pane shows (``12 fleets · 300 devices``), literally, never as markup.

    Live panes set it after every refresh; an unchanged text is not drawn again, so an
    idle pane writes nothing to the terminal (over SSH every repaint costs bytes).
    """

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $boost; color: $text; padding: 0 1; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self._shown: VisualType = text

    def show(self, *parts: str) -> None:
        """Show the non-empty ``parts``, separated by `` · ``."""
        self.update(" · ".join(part for part in parts if part))

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        """Show ``content`` unless it is already shown.

        One row of fixed height never needs a layout pass (one would redraw the
        screen's scrollbars too), so ``layout`` defaults to ``False``.
        """
        if isinstance(content, str) and content == self._shown:
            return
        self._shown = content
        super().update(content, layout=layout)
