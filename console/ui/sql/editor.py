"""The SQL editor: a code TextArea with completion from the catalog and error marking.

The pane sets ``catalog`` (attributes down). The best completion shows as
ghost text that Right accepts; ``ctrl+space`` opens the list of candidates,
where Up/Down choose, Enter or Tab insert, and Escape closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from console.ui.sql.completion import Candidate, Catalog, complete
from console.ui.sql.completion_list import CompletionList
from console.ui.themes.editor import follow_app_theme
from console.ui.widgets.blink import BlinkRest

_LIST_KEYS = {"up", "down", "enter", "tab", "escape", "pageup", "pagedown"}


@dataclass(frozen=True)
class RunTarget:
    """The text to run and where it starts in the buffer."""

    text: str
    base: int
    whole: bool
    """True when it is the whole buffer or a selection (run every statement in it)."""


class SqlEditor(TextArea):
    """A SQL code editor."""

    BINDINGS = [
        Binding("ctrl+space,ctrl+@", "complete", "Complete", show=False,
                tooltip="List completions for the word at the cursor", id="sql-complete"),
    ]

    @dataclass
    class BufferChanged(Message):
        """The text changed (the pane saves it, debounced)."""

        text: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, SqlEditor.BufferChanged)

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(
            text, language="sql", soft_wrap=False, tab_behavior="indent",
            show_line_numbers=True, id=id,
        )
        self.catalog: Catalog | None = None
        """schema → relation → columns of the selected database, once loaded."""
        self.completions: CompletionList | None = None
        """The pane's candidate list, which this editor drives."""
        self.blink = BlinkRest(self)
        """Blinks while typing, then holds still: an idle editor writes nothing over SSH."""

    def on_mount(self) -> None:
        follow_app_theme(self)  # highlighting in the console's theme, whichever it is
        self.blink.start()

    def on_focus(self) -> None:
        self.blink.wake()

    def _text_around_cursor(self) -> tuple[str, str]:
        row, column = self.cursor_location
        before = self.document[row][:column]
        return before, self.text

    def update_suggestion(self) -> None:
        if not self.has_focus or not self.selection.is_empty:
            self.suggestion = ""
            return
        before, statement = self._text_around_cursor()
        prefix, found = complete(before, self.catalog, statement=statement, limit=1)
        best = found[0].text if found and prefix else ""
        self.suggestion = best[len(prefix):] if best.lower().startswith(prefix.lower()) else ""

    def action_complete(self) -> None:
        if self.completions is None:
            return
        before, statement = self._text_around_cursor()
        prefix, found = complete(before, self.catalog, statement=statement)
        if not found:
            self.notify("Nothing to complete here.", severity="information", timeout=2)
            return
        self.completions.show(prefix, found, self.cursor_screen_offset)

    def accept(self, prefix: str, candidate: Candidate) -> None:
        """Replace ``prefix`` before the cursor with ``candidate``."""
        row, column = self.cursor_location
        start = (row, max(column - len(prefix), 0))
        self.replace(candidate.text, start, (row, column))
        self.suggestion = ""

    async def _on_key(self, event: events.Key) -> None:
        self.blink.wake()
        completions = self.completions
        if completions is not None and completions.display and event.key in _LIST_KEYS:
            event.stop()
            event.prevent_default()
            chosen = completions.handle_key(event.key)
            if chosen is not None:
                self.accept(*chosen)
            return
        await super()._on_key(event)
        if completions is not None and completions.display and event.is_printable:
            self.action_complete()  # keep the open list in step with what is typed

    @on(events.Blur)
    def _hide_completions(self) -> None:
        if self.completions is not None:
            self.completions.hide()

    def run_target(self, *, whole: bool) -> RunTarget:
        """Return what to run: the selection, the whole buffer, or the text up to here."""
        if not self.selection.is_empty:
            start, end = sorted(self.selection)
            base = self.document.get_index_from_location(start)
            return RunTarget(self.get_text_range(start, end), base, True)
        if whole:
            return RunTarget(self.text, 0, True)
        return RunTarget(self.text, 0, False)

    def cursor_index(self) -> int:
        """Return the cursor's character offset in the buffer."""
        return self.document.get_index_from_location(self.cursor_location)

    def mark(self, offset: int) -> tuple[int, int]:
        """Select the character at buffer ``offset``; return its 1-based line and column."""
        offset = max(0, min(offset, len(self.text)))
        start = self.document.get_location_from_index(offset)
        end = self.document.get_location_from_index(min(offset + 1, len(self.text)))
        self.selection = Selection(start, end)
        self.scroll_cursor_visible()
        return start[0] + 1, start[1] + 1

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.post_message(self.BufferChanged(self.text))
