"""The one-line status at the top of a pane: what it shows, and what went wrong."""

from __future__ import annotations

from textual.widgets import Static


class StatusLine(Static):
    """Says what the pane shows (``12 fleets · 300 devices``), literally, never as markup."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $boost; color: $text; padding: 0 1; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)

    def show(self, *parts: str) -> None:
        """Show the non-empty ``parts``, separated by `` · ``."""
        self.update(" · ".join(part for part in parts if part))
