"""What the SQL pane writes to files: the editor's text, and a result in a file.

The editor's text is written to the profile's state directory once typing
pauses, in a worker, and once more when the pane closes; a failing disk is said
once per failing streak, the text staying in the editor. Saving a result runs
its query again (filtered, when the result is) straight into the file, so the
file holds every row, not just those fetched so far.
"""

from __future__ import annotations

from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.timer import Timer

from console.backends.postgres import export_formats, export_query, filter_rows
from console.backends.sql import Target, export_run
from console.backends.sql import export_formats as export_run_formats
from console.profiles import history, locations
from console.ui.sql import messages
from console.ui.sql.results import ResultView
from console.ui.widgets.prompts import TextPrompt

if TYPE_CHECKING:
    from console.ui.panes.sql import SqlPane

SAVE_DELAY = 0.8
"""Seconds of quiet typing before the buffer is written."""


def formats_for(target: Target) -> tuple[str, ...]:
    """What ctrl+s writes: PostgreSQL results in every export format, others in CSV and JSON."""
    return export_formats() if target.engine == "postgres" else export_run_formats()


class ResultSaver:
    """Save the shown result to a file the operator names (ctrl+s)."""

    def __init__(self, pane: SqlPane) -> None:
        self.pane = pane

    def ask(self) -> None:
        """Ask where to save the shown result, then save it in a worker."""
        pane = self.pane
        view = pane.results.current
        if view is None or view.grid is None or view.target is None:
            pane.notify("No result with rows to save.", severity="warning")
            return
        default = locations.new_export(pane.profile.name, "result", "csv")
        again = "runs again, filtered" if view.row_filter else "runs again"
        names = ", ".join(f".{fmt}" for fmt in formats_for(view.target))
        prompt = TextPrompt(f"Save the result (the query {again}) to a file ({names}):",
                            value=str(default))
        pane.app.push_screen(prompt, lambda path: self._save_to(view, path))

    def _save_to(self, view: ResultView, path: str | None) -> None:
        if not path:
            return
        fmt = Path(path).suffix.lower().lstrip(".")
        assert view.target is not None
        allowed = formats_for(view.target)
        if fmt not in allowed:
            names = ", ".join(f".{f}" for f in allowed)
            self.pane.notify(f"Name a file ending in {names}.", title="Save result",
                             severity="error")
            return
        work = partial(self._export, view.target, view.sql, view.row_filter or "", path, fmt)
        self.pane.run_worker(work, thread=True, exclusive=True, group="sql-export",
                             description="Saving the result", exit_on_error=False)

    def _export(self, target: Target, sql: str, row_filter: str, path: str, fmt: str) -> None:
        runner = self.pane.runner
        if target.engine == "postgres":
            query, params = filter_rows(sql, row_filter) if row_filter else (sql, None)
            client = self.pane.clients.postgres()
            rows = export_query(client, target.name, query, path, fmt, params)
        else:
            session = runner.engine(target).session(target)
            try:
                rows = export_run(session, sql, path, fmt)
            finally:
                session.close()
        self.pane.post_message(messages.ExportFinished(path, rows))

    def exported(self, event: messages.ExportFinished) -> None:
        """Say where the rows went."""
        self.pane.notify(f"Saved {event.rows:,} rows to {event.path}.", title="Save result",
                         markup=False)


class BufferKeeper:
    """Keep the editor's text across sessions, written once typing pauses."""

    def __init__(self, pane: SqlPane) -> None:
        self.pane = pane
        self._timer: Timer | None = None
        self._unsaved: str | None = None
        self._failing = False

    def changed(self, text: str) -> None:
        """The editor holds ``text`` now: write it once typing pauses."""
        self._unsaved = text
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.pane.set_timer(SAVE_DELAY, self._save_now)

    def _save_now(self) -> None:
        self._timer = None
        if self._unsaved is not None:
            text, self._unsaved = self._unsaved, None
            self.pane.run_worker(partial(self._write, text), thread=True, exclusive=True,
                                 group="sql-buffer", description="Saving the editor",
                                 exit_on_error=False)

    def _write(self, text: str) -> None:
        try:
            history.save_buffer(self.pane.profile.name, text)
        except OSError as exc:
            if not self._failing:
                self.pane.warn_from_thread(
                    f"Editor text not saved ({exc.strerror or exc}); it stays in the editor.")
            self._failing = True
        else:
            self._failing = False

    def flush(self) -> None:
        """The pane is closing: write what typing left unsaved, here and now."""
        if self._timer is not None:
            self._timer.stop()
        if self._unsaved is not None:
            # on a failure only the last debounce window is lost
            with suppress(OSError):
                history.save_buffer(self.pane.profile.name, self._unsaved)
