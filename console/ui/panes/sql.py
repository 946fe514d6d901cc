"""The SQL editor pane: write SQL, run it on any engine of the profile, stream and save results.

Statements run in a thread worker on a psql-like session per target
(``SqlRunner``): a PostgreSQL database, or a cluster's schema when the profile
reaches Ignite or CrateDB (``f4`` picks; the engines sit behind the
``SqlEngine`` seam). Results show as soon as the first rows arrive and more are
fetched as the operator scrolls. One key cancels; the editor stays usable
meanwhile. The buffer is saved per profile (debounced), and every statement
goes into the profile's history. ``/`` filters the shown result on the server.

The pane composes the widgets, holds the keys and routes each message to the
part that handles it; each part does one job through public methods:
``RunControl`` (runs and cancel), ``ResultStreams`` (paging), ``ResultFilter``
(``/``), ``TargetChoice`` (where statements run), ``ResultSaver`` and
``BufferKeeper`` (files).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.backends.sql import Target, statement_at
from console.clients import Clients
from console.diff import DiffRequest
from console.errors import Cancelled
from console.profiles import history
from console.ui.errors import report_failure
from console.ui.panes.base import Pane
from console.ui.sql import messages
from console.ui.sql.completion_list import CompletionList
from console.ui.sql.editor import SqlEditor
from console.ui.sql.history_screen import HistoryScreen
from console.ui.sql.result_filter import ResultFilter
from console.ui.sql.results import ResultGrid, ResultsPanel
from console.ui.sql.run_control import RunControl
from console.ui.sql.runner import SqlRunner
from console.ui.sql.saving import BufferKeeper, ResultSaver
from console.ui.sql.streams import ResultStreams
from console.ui.sql.target_choice import TargetChoice


class SqlPane(Pane):
    """Write and run SQL against the profile's databases and clusters."""

    pane_id: ClassVar[str] = "sql"
    title: ClassVar[str] = "SQL"
    key: ClassVar[str] = "6"
    section: ClassVar[str | None] = "postgres"

    BINDINGS = [
        Binding("ctrl+r,ctrl+enter,ctrl+j", "run", "Run", key_display="^r",
                tooltip="Run the statement at the cursor, or the selection", id="sql-run"),
        # priority: the editor (a TextArea) would take F5 to select a word
        Binding("f5", "run_all", "Run all", priority=True, tooltip="Run every statement of the "
                "buffer in order", id="sql-run-all"),
        Binding("ctrl+t", "cancel", "Cancel", tooltip="Cancel the running query",
                id="sql-cancel"),
        Binding("ctrl+l", "history", "History", tooltip="Search the history and recall a "
                "statement", id="sql-history"),
        Binding("f4", "choose_target", "Database", tooltip="Choose the database (or cluster "
                "schema) to run in", id="sql-database"),
        Binding("ctrl+s", "save_result", "Save", tooltip="Save the shown result as CSV, JSON, "
                "XLSX or Parquet", id="sql-save"),
        Binding("left_square_bracket", "step_result(-1)", "Prev result", show=False,
                tooltip="Show the previous result", id="sql-previous-result"),
        Binding("right_square_bracket", "step_result(1)", "Next result", show=False,
                tooltip="Show the next result", id="sql-next-result"),
        Binding("e", "focus_editor", "Editor", show=False, tooltip="Back to the editor",
                id="sql-editor"),
        Binding("f2", "toggle_focus", "Editor/Results", tooltip="Move between the editor and "
                "the result", id="sql-toggle-focus"),
    ]
    DEFAULT_CSS = """
    SqlPane { layout: vertical; }
    SqlPane > #sql-bar { height: 1; background: $panel; }
    SqlPane #sql-database { width: auto; padding: 0 1; text-style: bold; }
    SqlPane #sql-state { width: 1fr; padding: 0 1; }
    SqlPane > SqlEditor { height: 2fr; min-height: 5; }
    SqlPane > ResultsPanel { height: 3fr; }
    """

    def __init__(self, clients: Clients, *, id: str | None = None) -> None:
        super().__init__(clients, id=id)
        settings = clients.profile.service("postgres")
        first = Target("postgres", settings.dbname if settings is not None else "postgres")
        self.history = history.History(clients.profile.name)
        self.runner = SqlRunner(clients, self.history, self.warn_from_thread)
        """The thread side: sessions, history, paging."""
        self.runs = RunControl(self)
        self.streams = ResultStreams(self)
        self.row_filter = ResultFilter(self)
        self.targets = TargetChoice(self, first)
        self.saver = ResultSaver(self)
        self.buffer = BufferKeeper(self)

    def compose(self) -> ComposeResult:
        with Horizontal(id="sql-bar"):
            yield Static("", id="sql-database", markup=False)
            yield Static("", id="sql-state", markup=False)
        yield SqlEditor(history.load_buffer(self.profile.name), id="sql-editor")
        yield ResultsPanel()
        yield CompletionList()

    def on_mount(self) -> None:
        self.editor.completions = self.query_one(CompletionList)
        self.show_target()
        self.targets.load_catalog()

    # -- what the parts share -------------------------------------------------------

    @property
    def editor(self) -> SqlEditor:
        """The SQL editor."""
        return self.query_one(SqlEditor)

    @property
    def results(self) -> ResultsPanel:
        """The results of the last run."""
        return self.query_one(ResultsPanel)

    @property
    def target(self) -> Target:
        """Where statements run now."""
        return self.targets.target

    @property
    def database(self) -> str:
        """The database (or schema) statements run in."""
        return self.targets.target.name

    @property
    def running(self) -> bool:
        """Whether statements (or a filter's re-run) are running."""
        return self.runs.running

    def set_state(self, text: str) -> None:
        """Say what the pane is doing, beside the target."""
        self.query_one("#sql-state", Static).update(text)

    def show_target(self) -> None:
        """Show where statements run."""
        self.query_one("#sql-database", Static).update(f"▾ {self.target.label}")

    def use_database(self, name: str) -> None:
        """Run later statements in database ``name`` (or ``engine:schema``)."""
        self.targets.use_name(name)

    def warn_from_thread(self, text: str) -> None:
        """Warn the operator from a worker thread (a file that could not be written)."""
        self.post_message(messages.HistoryUnsaved(text))

    # -- keys -----------------------------------------------------------------------

    async def action_run(self) -> None:
        await self.runs.start(self.editor.run_target(whole=False))

    async def action_run_all(self) -> None:
        await self.runs.start(self.editor.run_target(whole=True))

    def action_cancel(self) -> None:
        self.runs.cancel()

    def action_choose_target(self) -> None:
        self.targets.pick()

    def action_save_result(self) -> None:
        self.saver.ask()

    def action_history(self) -> None:
        self.app.push_screen(HistoryScreen(self.history), self._recalled)

    def _recalled(self, sql: str | None) -> None:
        """Put a statement from the history in place of the buffer (ctrl+z brings it back)."""
        if not sql:
            return
        editor = self.editor
        had_text = bool(editor.text.strip())
        editor.replace(sql, editor.document.start, editor.document.end)
        editor.move_cursor(editor.document.end)
        editor.focus()
        if had_text:
            self.notify("The statement replaced the editor's text: ctrl+z brings it back.",
                        title="History", timeout=4)

    def action_step_result(self, delta: int) -> None:
        self.results.step(delta)

    def action_focus_editor(self) -> None:
        self.editor.focus()

    def action_toggle_focus(self) -> None:
        """Move the focus from the editor to the shown result's rows, and back."""
        view = self.results.current
        if self.editor.has_focus and view is not None and view.grid is not None:
            view.grid.focus()
        else:
            self.editor.focus()

    def apply_filter(self, text: str) -> None:
        """Show only the rows of the shown result whose text holds ``text`` (on the server)."""
        self.row_filter.typed(text)

    def diff_request(self) -> DiffRequest | None:
        """``:diff``: the statement at the cursor (else the shown result's) on both profiles.

        The profile's own database stands for the other profile's own one.
        """
        found = statement_at(self.editor.text, self.editor.cursor_index())
        shown = self.results.current
        sql = found.text if found is not None else (shown.sql if shown is not None else "")
        target = shown.target if found is None and shown is not None and shown.target else \
            self.target
        if not sql.strip() or target.engine != "postgres":
            return None
        settings = self.profile.service("postgres")
        own = settings is not None and target.name == settings.dbname
        return DiffRequest.sql_query(sql, database=None if own else target.name)

    def run_command(self, args: str) -> None:
        """``:sql DATABASE`` (or ``:sql ignite:SCHEMA``) switches where statements run."""
        if args.strip():
            self.use_database(args.strip())

    # -- messages, each to the part that handles it ----------------------------------

    @on(messages.StatementFinished)
    async def _statement_finished(self, event: messages.StatementFinished) -> None:
        await self.runs.statement_finished(event)

    @on(messages.RunEnded)
    def _run_ended(self, event: messages.RunEnded) -> None:
        self.runs.run_ended(event)

    @on(ResultGrid.NearEnd)
    def _near_end(self, event: ResultGrid.NearEnd) -> None:
        self.streams.near_end(event)

    @on(messages.RowsFetched)
    def _rows_fetched(self, event: messages.RowsFetched) -> None:
        self.streams.rows_fetched(event)

    @on(messages.CatalogLoaded)
    def _catalog_loaded(self, event: messages.CatalogLoaded) -> None:
        self.targets.catalog_loaded(event)

    @on(messages.TargetsLoaded)
    def _targets_loaded(self, event: messages.TargetsLoaded) -> None:
        self.targets.targets_loaded(event)

    @on(messages.ExportFinished)
    def _exported(self, event: messages.ExportFinished) -> None:
        self.saver.exported(event)

    @on(SqlEditor.BufferChanged)
    def _buffer_changed(self, event: SqlEditor.BufferChanged) -> None:
        self.buffer.changed(event.text)

    @on(messages.HistoryUnsaved)
    def _warn(self, event: messages.HistoryUnsaved) -> None:
        self.notify(event.text, title="Not saved", severity="warning", markup=False)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        error = report_failure(self, event)
        if event.worker.group == "sql-fetch" and event.state is WorkerState.ERROR:
            self.streams.stop(cancelled=isinstance(error, Cancelled))

    def command_words(self) -> list[str]:
        return self.targets.names()

    def open_transactions(self) -> list[str]:
        return [target.label for target in self.runner.open_transactions()]

    def end_transactions(self, *, commit: bool) -> list[str]:
        return self.runner.end_transactions(commit=commit)

    def on_unmount(self) -> None:
        self.row_filter.stop_timer()
        self.buffer.flush()
        self.runner.cancel()
