"""The list of completion candidates that opens under the editor's cursor."""

from __future__ import annotations

from textual.geometry import Offset
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.ui.sql.completion import Candidate

_WIDTH = 44
_MOVES = {"up": "action_cursor_up", "down": "action_cursor_down",
          "pageup": "action_page_up", "pagedown": "action_page_down"}


class CompletionList(OptionList, can_focus=False):
    """Candidates floating over the pane; the editor keeps the focus and drives it."""

    DEFAULT_CSS = """
    CompletionList {
        position: absolute;
        overlay: screen;
        constrain: inside inflect;
        display: none;
        width: 44;
        height: auto;
        max-height: 8;
        border: none;
        padding: 0;
        background: $panel;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="completions", markup=False)
        self.prefix = ""
        self.candidates: list[Candidate] = []

    def show(self, prefix: str, candidates: list[Candidate], cursor: Offset) -> None:
        """List ``candidates`` for ``prefix`` just below the screen offset ``cursor``."""
        self.prefix = prefix
        self.candidates = candidates
        self.clear_options()
        self.add_options(Option(self._label(c)) for c in candidates)
        self.highlighted = 0
        origin = self.parent.region.offset if self.parent is not None else Offset()
        self.styles.offset = (cursor.x - len(prefix) - origin.x, cursor.y + 1 - origin.y)
        self.display = True

    @staticmethod
    def _label(candidate: Candidate) -> str:
        text = f"{candidate.text}  {candidate.kind} {candidate.detail}".rstrip()
        return text if len(text) <= _WIDTH - 2 else text[: _WIDTH - 3] + "…"

    def hide(self) -> None:
        """Close the list."""
        self.display = False

    def handle_key(self, key: str) -> tuple[str, Candidate] | None:
        """Act on a key the editor passed on; return the chosen candidate, if any."""
        if key == "escape":
            self.hide()
        elif key in _MOVES:
            getattr(self, _MOVES[key])()
        elif key in ("enter", "tab") and self.highlighted is not None:
            self.hide()
            return self.prefix, self.candidates[self.highlighted]
        return None
