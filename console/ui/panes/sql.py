"""The SQL editor pane: write SQL, run it, stream and save its results.

Statements run in a thread worker on a psql-like session per database
(``SqlRunner``); results show as soon as the first rows arrive and more are
fetched as the operator scrolls. One key cancels; the editor stays usable
meanwhile. The buffer is saved per profile (debounced), and every statement
goes into the profile's history. ``/`` filters the shown result on the server:
its statement runs again wrapped (``filter_rows``) and streams the same way.

This module composes the pane and holds its keys; each job lives in a part of
``console.ui.sql`` (running, streaming, filtering, database choice, saving).
"""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.errors import Cancelled
from console.profiles import history
from console.ui.errors import report_failure
from console.ui.sql.completion_list import CompletionList
from console.ui.sql.database_choice import DatabaseChoice
from console.ui.sql.editor import SqlEditor
from console.ui.sql.history_screen import HistoryScreen
from console.ui.sql.results import ResultsPanel
from console.ui.sql.row_filter import Filtering
from console.ui.sql.running import Running
from console.ui.sql.saving import Saving
from console.ui.sql.streaming import Streaming


class SqlPane(Running, Streaming, Filtering, DatabaseChoice, Saving):
    """Write and run SQL against the profile's PostgreSQL."""

    pane_id: ClassVar[str] = "sql"
    title: ClassVar[str] = "SQL"
    key: ClassVar[str] = "6"
    section: ClassVar[str | None] = "postgres"

    BINDINGS = [
        Binding(
            "ctrl+r",
            "run",
            "Run",
            tooltip="Run the statement at the cursor, or the selection",
            id="sql-run",
        ),
        Binding(
            "f5",
            "run_all",
            "Run all",
            tooltip="Run every statement of the buffer in order",
            id="sql-run-all",
        ),
        Binding("ctrl+t", "cancel", "Cancel", tooltip="Cancel the running query", id="sql-cancel"),
        Binding(
            "ctrl+l",
            "history",
            "History",
            tooltip="Search the history and recall a statement",
            id="sql-history",
        ),
        Binding(
            "f4",
            "choose_database",
            "Database",
            tooltip="Choose the database to run in",
            id="sql-database",
        ),
        Binding(
            "ctrl+s",
            "save_result",
            "Save",
            tooltip="Save the shown result as CSV or JSON",
            id="sql-save",
        ),
        Binding(
            "left_square_bracket",
            "step_result(-1)",
            "Prev result",
            show=False,
            tooltip="Show the previous result",
            id="sql-previous-result",
        ),
        Binding(
            "right_square_bracket",
            "step_result(1)",
            "Next result",
            show=False,
            tooltip="Show the next result",
            id="sql-next-result",
        ),
        Binding(
            "e", "focus_editor", "Editor", show=False, tooltip="Back to the editor", id="sql-editor"
        ),
    ]
    DEFAULT_CSS = """
    SqlPane { layout: vertical; }
    SqlPane > #sql-bar { height: 1; background: $panel; }
    SqlPane #sql-database { width: auto; padding: 0 1; text-style: bold; }
    SqlPane #sql-state { width: 1fr; padding: 0 1; }
    SqlPane > SqlEditor { height: 2fr; min-height: 5; }
    SqlPane > ResultsPanel { height: 3fr; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal(id="sql-bar"):
            yield Static("", id="sql-database", markup=False)
            yield Static("", id="sql-state", markup=False)
        yield SqlEditor(history.load_buffer(self.profile.name), id="sql-editor")
        yield ResultsPanel()
        yield CompletionList()

    def on_mount(self) -> None:
        assert self.runner is not None
        self.editor.completions = self.query_one(CompletionList)
        self.editor.theme = "vscode_dark" if self.app.current_theme.dark else "github_light"
        self._show_database()
        self.load_catalog(self.database)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        error = report_failure(self, event)
        if event.worker.group == "sql-fetch" and event.state is WorkerState.ERROR:
            self._stop_streaming(cancelled=isinstance(error, Cancelled))

    def action_history(self) -> None:
        self.app.push_screen(HistoryScreen(self.history), self._recalled)

    def _recalled(self, sql: str | None) -> None:
        if not sql:
            return
        editor = self.editor
        text = editor.text
        glue = "" if not text.strip() else ("\n\n" if not text.endswith("\n") else "\n")
        end = editor.document.end
        editor.insert(glue + sql, end)
        editor.focus()

    def action_step_result(self, delta: int) -> None:
        self.results.step(delta)

    def action_focus_editor(self) -> None:
        self.editor.focus()

    def run_command(self, args: str) -> None:
        """``:sql DATABASE`` switches the database statements run in."""
        if args.strip():
            self.use_database(args.strip())

    def on_unmount(self) -> None:
        for timer in (self._save_timer, self._filter_timer):
            if timer is not None:
                timer.stop()
        if self._unsaved is not None:
            # the pane is closing: on a failure only the last debounce window is lost
            with suppress(OSError):
                history.save_buffer(self.profile.name, self._unsaved)
        self.runner.cancel()
