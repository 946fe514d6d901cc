"""What the SQL pane writes to files: the editor's text, and a result as CSV or JSON.

The editor's text is written to the profile's state directory once typing
pauses, in a worker, and once more when the pane closes; a failing disk is said
once per failing streak, the text staying in the editor. Saving a result runs
its query again (filtered, when the result is) straight into the file, so the
file holds every row, not just those fetched so far.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.timer import Timer

from console.backends.postgres import export_query, filter_rows
from console.clients import Clients
from console.profiles import history, locations
from console.ui import messages
from console.ui.sql.base import SqlPaneBase
from console.ui.sql.editor import SqlEditor
from console.ui.sql.results import ResultView
from console.ui.widgets.prompts import TextPrompt

SAVE_DELAY = 0.8
"""Seconds of quiet typing before the buffer is written."""


class Saving(SqlPaneBase):
    """Keep the editor's text across sessions and save results to files."""

    def __init__(self, clients: Clients, *, id: str | None = None) -> None:
        super().__init__(clients, id=id)
        self._save_timer: Timer | None = None
        self._unsaved: str | None = None
        self._buffer_failing = False

    # The result --------------------------------------------------------------

    def action_save_result(self) -> None:
        view = self.results.current
        if view is None or view.grid is None:
            self.notify("No result with rows to save.", severity="warning")
            return
        default = locations.new_export(self.profile.name, "result", "csv")
        again = "runs again, filtered" if view.row_filter else "runs again"
        prompt = TextPrompt(
            f"Save the result (the query {again}) to a .csv or .json file:", value=str(default)
        )
        self.app.push_screen(prompt, lambda path: self._save_to(view, path))

    def _save_to(self, view: ResultView, path: str | None) -> None:
        if not path:
            return
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in ("csv", "json"):
            self.notify("Name a .csv or .json file.", title="Save result", severity="error")
            return
        self.export(view.database or self.database, view.sql, view.row_filter or "", path, fmt)

    @work(
        thread=True,
        exclusive=True,
        group="sql-export",
        description="Saving the result",
        exit_on_error=False,
    )
    def export(self, database: str, sql: str, row_filter: str, path: str, fmt: str) -> None:
        """Write the rows of ``sql`` (those holding ``row_filter``, when given) to ``path``."""
        query, params = filter_rows(sql, row_filter) if row_filter else (sql, None)
        rows = export_query(self.runner.clients.postgres(), database, query, path, fmt, params)
        self.post_message(messages.ExportFinished(path, rows))

    @on(messages.ExportFinished)
    def _exported(self, event: messages.ExportFinished) -> None:
        self.notify(f"Saved {event.rows:,} rows to {event.path}.", title="Save result")

    # The editor's text -------------------------------------------------------

    @on(SqlEditor.BufferChanged)
    def _buffer_changed(self, event: SqlEditor.BufferChanged) -> None:
        self._unsaved = event.text
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self._save_buffer)

    def _save_buffer(self) -> None:
        self._save_timer = None
        if self._unsaved is not None:
            self.save_buffer(self._unsaved)
            self._unsaved = None

    @work(
        thread=True,
        exclusive=True,
        group="sql-buffer",
        description="Saving the editor",
        exit_on_error=False,
    )
    def save_buffer(self, text: str) -> None:
        """Write the editor's text to the profile's state directory."""
        try:
            history.save_buffer(self.profile.name, text)
        except OSError as exc:
            if not self._buffer_failing:
                self._warn_from_thread(
                    f"Editor text not saved ({exc.strerror or exc}); it stays in the editor."
                )
            self._buffer_failing = True
        else:
            self._buffer_failing = False
