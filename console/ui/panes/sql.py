"""The SQL editor pane: write SQL, run it, stream and save its results.

Statements run in a thread worker on a psql-like session per database
(``SqlRunner``); results show as soon as the first rows arrive and more are
fetched as the operator scrolls. One key cancels; the editor stays usable
meanwhile. The buffer is saved per profile (debounced), and every statement
goes into the profile's history. ``/`` filters the shown result on the server:
its statement runs again wrapped (``filter_rows``) and streams the same way.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.backends.errors import BadQuery, Cancelled
from console.backends.postgres import (
    QueryRun,
    Statement,
    classify,
    export_query,
    filter_rows,
    split_statements,
    statement_at,
)
from console.profiles import Profile, history, locations
from console.ui import messages, result_table
from console.ui.clients import clients_of
from console.ui.errors import report_failure
from console.ui.panes.base import Pane
from console.ui.sql_runner import Outcome, SqlRunner
from console.ui.widgets.completion_list import CompletionList
from console.ui.widgets.history_screen import HistoryScreen
from console.ui.widgets.prompts import ChoiceScreen, TextPrompt
from console.ui.widgets.results import ResultGrid, ResultsPanel, ResultView
from console.ui.widgets.sql_editor import RunTarget, SqlEditor

SAVE_DELAY = 0.8
"""Seconds of quiet typing before the buffer is written."""
FILTER_DELAY = 0.3
"""Seconds of quiet typing in the filter bar before the filtered query is sent."""


class SqlPane(Pane):
    """Write and run SQL against the profile's PostgreSQL."""

    pane_id: ClassVar[str] = "sql"
    title: ClassVar[str] = "SQL"
    key: ClassVar[str] = "6"
    section: ClassVar[str | None] = "postgres"

    BINDINGS = [
        Binding("ctrl+r", "run", "Run", tooltip="Run the statement at the cursor, or the "
                "selection", id="sql-run"),
        Binding("f5", "run_all", "Run all", tooltip="Run every statement of the buffer in order",
                id="sql-run-all"),
        Binding("ctrl+t", "cancel", "Cancel", tooltip="Cancel the running query",
                id="sql-cancel"),
        Binding("ctrl+l", "history", "History", tooltip="Search the history and recall a "
                "statement", id="sql-history"),
        Binding("f4", "choose_database", "Database", tooltip="Choose the database to run in",
                id="sql-database"),
        Binding("ctrl+s", "save_result", "Save", tooltip="Save the shown result as CSV or JSON",
                id="sql-save"),
        Binding("left_square_bracket", "step_result(-1)", "Prev result", show=False,
                tooltip="Show the previous result", id="sql-previous-result"),
        Binding("right_square_bracket", "step_result(1)", "Next result", show=False,
                tooltip="Show the next result", id="sql-next-result"),
        Binding("e", "focus_editor", "Editor", show=False, tooltip="Back to the editor",
                id="sql-editor"),
    ]
    DEFAULT_CSS = """
    SqlPane { layout: vertical; }
    SqlPane > #sql-bar { height: 1; background: $panel; }
    SqlPane #sql-database { width: auto; padding: 0 1; text-style: bold; }
    SqlPane #sql-state { width: 1fr; padding: 0 1; }
    SqlPane > SqlEditor { height: 2fr; min-height: 5; }
    SqlPane > ResultsPanel { height: 3fr; }
    """

    def __init__(self, profile: Profile, *, id: str | None = None) -> None:
        super().__init__(profile, id=id)
        settings = profile.service("postgres")
        self.database: str = settings.dbname if settings is not None else "postgres"
        """The database statements run in."""
        self.history = history.History(profile.name)
        self._runner: SqlRunner | None = None
        self._run_worker: Worker[None] | None = None
        self._live: dict[int, tuple[QueryRun, pa.Schema]] = {}
        self._save_timer: Timer | None = None
        self._unsaved: str | None = None
        self._buffer_failing = False
        self._run_started = 0.0
        self._filter_text = ""
        """What the filter bar holds now; sent once typing pauses."""
        self._filter_timer: Timer | None = None
        self._filtering = False
        """The running worker is a filter's re-run, not the operator's statements."""
        self._filter_again = False
        """The filter changed while one ran: run the newest once that one stops."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="sql-bar"):
            yield Static("", id="sql-database", markup=False)
            yield Static("", id="sql-state", markup=False)
        yield SqlEditor(history.load_buffer(self.profile.name), id="sql-editor")
        yield ResultsPanel()
        yield CompletionList()

    @property
    def runner(self) -> SqlRunner:
        """The thread side: sessions, history, paging (made on the UI thread at mount)."""
        if self._runner is None:
            self._runner = SqlRunner(clients_of(self, self.profile), self.history,
                                     self._warn_from_thread)
        return self._runner

    @property
    def editor(self) -> SqlEditor:
        """The SQL editor."""
        return self.query_one(SqlEditor)

    @property
    def results(self) -> ResultsPanel:
        """The results of the last run."""
        return self.query_one(ResultsPanel)

    def on_mount(self) -> None:
        assert self.runner is not None
        self.editor.completions = self.query_one(CompletionList)
        self.editor.theme = "vscode_dark" if self.app.current_theme.dark else "github_light"
        self._show_database()
        self.load_catalog(self.database)

    def _show_database(self) -> None:
        self.query_one("#sql-database", Static).update(f"▾ {self.database}")

    def _set_state(self, text: str) -> None:
        self.query_one("#sql-state", Static).update(text)

    # Running -----------------------------------------------------------------

    def statements_for(self, target: RunTarget) -> list[Statement]:
        """Return the statements a run covers: all of the target, or the one at the cursor."""
        if target.whole:
            return split_statements(target.text)
        found = statement_at(target.text, self.editor.cursor_index())
        return [found] if found is not None else []

    async def action_run(self) -> None:
        await self._start(self.editor.run_target(whole=False))

    async def action_run_all(self) -> None:
        await self._start(self.editor.run_target(whole=True))

    async def _start(self, target: RunTarget) -> None:
        if self._run_worker is not None:
            self.notify("A query is running: ctrl+t cancels it.", severity="warning")
            return
        statements = self.statements_for(target)
        if not statements:
            self.notify("Nothing to run: the editor holds no statement here.", severity="warning")
            return
        self._live.clear()
        count = len(statements)
        self._set_state(f"running {count} statement{'s' if count > 1 else ''}… ctrl+t cancels")
        removing = self.results.begin()
        self._run_worker = self.execute(self.database, statements, target.base)
        await removing  # the old results go while the statement travels to the server

    @work(thread=True, exclusive=True, group="sql-run", description="Running SQL",
          exit_on_error=False)
    def execute(self, database: str, statements: list[Statement], base: int) -> None:
        """Run ``statements`` in order, posting each outcome as it arrives."""
        worker = get_current_worker()
        stopped = True
        try:
            self.runner.execute(database, statements,
                                lambda outcome: self.post_message(
                                    messages.StatementFinished(outcome, base)),
                                lambda: worker.is_cancelled)
            stopped = worker.is_cancelled
        finally:
            self.post_message(messages.RunEnded(stopped))

    @on(messages.StatementFinished)
    async def _statement_finished(self, event: messages.StatementFinished) -> None:
        outcome = event.outcome
        if outcome.row_filter is None:
            self._close_earlier(outcome.index)
        if outcome.error is not None:
            if isinstance(outcome.error, Cancelled) and self._filter_again:
                return  # a newer filter stopped this one: its result is on the way
            await self._show_error(outcome, event.base)
            return
        run = outcome.run
        assert run is not None
        if outcome.schema is None:
            view = ResultView(outcome.index, outcome.statement.text, run=self.results.run,
                              message=run.status or "OK", database=outcome.database)
            await self.results.add(view)
            self.results.set_status(view, result_table.status_text(
                rows=run.rowcount, exhausted=True, elapsed=run.elapsed, status=run.status,
                has_rows=False))
            return
        await self._show_rows(outcome)

    async def _show_rows(self, outcome: Outcome) -> None:
        run, schema = outcome.run, outcome.schema
        assert run is not None and schema is not None
        view = ResultView(outcome.index, outcome.statement.text, run=self.results.run,
                          table=outcome.table, database=outcome.database,
                          row_filter=outcome.row_filter)
        await self._place(view)
        grid = view.grid
        assert grid is not None
        grid.more = not run.exhausted
        if grid.more:
            self._live[outcome.index] = (run, schema)
        self._update_status(view, run)

    def _update_status(self, view: ResultView, run: QueryRun, *, cancelled: bool = False) -> None:
        grid = view.grid
        rows = grid.row_count if grid is not None else 0
        self.results.set_status(view, result_table.status_text(
            rows=rows, exhausted=not (grid is not None and grid.more),
            elapsed=run.elapsed, status=run.status,
            has_rows=True, cancelled=cancelled,
        ))

    async def _place(self, view: ResultView) -> None:
        """Show a new result, or a filter's in place of the result it narrows."""
        if view.row_filter is None:
            await self.results.add(view)
        else:
            await self.results.replace(view)

    def _close_earlier(self, index: int) -> None:
        """A later statement ran on the session: earlier results can stream no more."""
        self._close_streams([i for i in self._live if i < index], "the next statement ran")

    def _close_streams(self, indices: list[int], because: str) -> None:
        for index in indices:
            del self._live[index]
            view = self.results.view(index)
            if view is not None and view.grid is not None:
                view.grid.more = False
                self.results.set_status(view, f"{view.grid.row_count:,} rows shown; the result "
                                        f"closed when {because}")

    async def _show_error(self, outcome: Outcome, base: int) -> None:
        error = outcome.error
        assert error is not None
        text = str(error)
        # a filter's position points into the wrapper, not into what the operator wrote
        if isinstance(error, BadQuery) and error.position and outcome.row_filter is None:
            line, column = self.editor.mark(base + outcome.statement.start + error.position - 1)
            text = f"{text} (line {line}, column {column})"
            self.editor.focus()
        view = ResultView(outcome.index, outcome.statement.text, run=self.results.run,
                          message=text, database=outcome.database,
                          row_filter=outcome.row_filter)
        view.add_class("-error")
        await self._place(view)
        self.results.set_status(view, "cancelled" if isinstance(error, Cancelled)
                                else error.title)
        severity = "warning" if isinstance(error, Cancelled) else "error"
        self.notify(text, title=error.title, severity=severity)

    @on(messages.RunEnded)
    def _run_ended(self, event: messages.RunEnded) -> None:
        self._run_worker = None
        self._filtering = False
        self._set_state("cancelled" if event.stopped else "")
        if self._filter_again:
            self._filter_again = False
            self._filter_now()

    # Filtering ---------------------------------------------------------------

    def apply_filter(self, text: str) -> None:
        """Show only the rows of the shown result whose text holds ``text``; empty shows all.

        The server filters: the result's statement runs again, wrapped, once typing pauses.
        """
        self._filter_text = text.strip()
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self._filter_now)

    def _filter_now(self) -> None:
        self._filter_timer = None
        view, text = self.results.current, self._filter_text
        refusal = self._filter_refusal(view)
        if refusal is not None:
            self.notify(refusal, title="Filter", severity="warning")
            return
        assert view is not None
        if view.grid is not None and (view.row_filter or "") == text:
            return  # already shows exactly that
        if self._run_worker is not None:
            if self._filtering:  # stop the filter that runs; the newest one follows it
                self._filter_again = True
                self.cancel_statement()
            else:
                self.notify("A query is running: filter once it is done (ctrl+t cancels it).",
                            title="Filter", severity="warning")
            return
        self._close_streams(list(self._live), "a filter ran")  # the session moves on
        self._filtering = True
        self._set_state(f'filtering: rows holding "{text}"… ctrl+t cancels' if text
                        else "showing every row again… ctrl+t cancels")
        statement = Statement(view.sql, 0, len(view.sql))
        self._run_worker = self.refilter(view.database or self.database, view.index,
                                         statement, text)

    def _filter_refusal(self, view: ResultView | None) -> str | None:
        """Why the shown result cannot be filtered, or ``None`` when it can."""
        if view is None:
            return "No result to filter yet: run a query first (ctrl+r)."
        kind = classify(view.sql)
        if not kind.cursorable:
            return (f"Only rows of a SELECT, WITH, VALUES or TABLE query can be filtered; "
                    f"this result came from {kind.keyword or 'a statement'}.")
        if view.grid is None and view.row_filter is None:
            return "This statement failed: there are no rows to filter."
        return None

    @work(thread=True, exclusive=True, group="sql-run", description="Filtering the result",
          exit_on_error=False)
    def refilter(self, database: str, index: int, statement: Statement, text: str) -> None:
        """Run a shown result's statement again, filtered by ``text`` on the server."""
        worker = get_current_worker()
        try:
            outcome = self.runner.refilter(database, index, statement, text)
            self.post_message(messages.StatementFinished(outcome, 0))
        finally:
            self.post_message(messages.RunEnded(worker.is_cancelled))

    # Paging ------------------------------------------------------------------

    @on(ResultGrid.NearEnd)
    def _near_end(self, event: ResultGrid.NearEnd) -> None:
        view = event.grid.parent
        if not isinstance(view, ResultView) or view.index not in self._live:
            return
        if not any(w.group == "sql-fetch" and w.is_running for w in self.workers):
            self.fetch_more(view.index)

    @work(thread=True, exclusive=True, group="sql-fetch", description="Fetching more rows",
          exit_on_error=False)
    def fetch_more(self, index: int) -> None:
        """Fetch the next page of result ``index``."""
        run, schema = self._live[index]
        cells = self.runner.fetch(run, schema)
        self.post_message(messages.RowsFetched(index, cells))

    @on(messages.RowsFetched)
    def _rows_fetched(self, event: messages.RowsFetched) -> None:
        view = self.results.view(event.result)
        entry = self._live.get(event.result)
        if view is None or view.grid is None or entry is None:
            return
        run = entry[0]
        view.grid.append(event.cells)
        view.grid.more = not run.exhausted
        if not view.grid.more:
            self._live.pop(event.result, None)
        self._update_status(view, run)
        view.grid.check_near_end()

    # Cancelling --------------------------------------------------------------

    def action_cancel(self) -> None:
        fetching = [w for w in self.workers if w.group == "sql-fetch" and w.is_running]
        if self._run_worker is None and not fetching:
            self.notify("No query is running.", severity="information", timeout=2)
            return
        self.cancel_statement()
        if self._run_worker is not None:
            self._run_worker.cancel()
        self._set_state("cancelling…")

    @work(thread=True, exclusive=False, group="sql-cancel", description="Cancelling the query",
          exit_on_error=False)
    def cancel_statement(self) -> None:
        """Ask the server to cancel the statement in flight (one short round trip)."""
        self.runner.cancel()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        error = report_failure(self, event)
        if event.worker.group == "sql-fetch" and event.state is WorkerState.ERROR:
            self._stop_streaming(cancelled=isinstance(error, Cancelled))

    def _stop_streaming(self, *, cancelled: bool) -> None:
        for index in list(self._live):
            run, _ = self._live.pop(index)
            view = self.results.view(index)
            if view is not None and view.grid is not None:
                view.grid.more = False
                self._update_status(view, run, cancelled=cancelled)

    # Databases, catalog, history, export -------------------------------------

    @work(thread=True, exclusive=True, group="sql-catalog", description="Reading the catalog",
          exit_on_error=False)
    def load_catalog(self, database: str) -> None:
        """Read the database's catalog for completion."""
        catalog = self.runner.clients.postgres().catalog(database)
        self.post_message(messages.CatalogLoaded(database, catalog))

    @on(messages.CatalogLoaded)
    def _catalog_loaded(self, event: messages.CatalogLoaded) -> None:
        if event.database == self.database:
            self.editor.catalog = event.catalog

    def use_database(self, name: str) -> None:
        """Run later statements in database ``name``."""
        if name == self.database:
            return
        self.database = name
        self.editor.catalog = None
        self._show_database()
        self.load_catalog(name)
        self.notify(f"Statements now run in database '{name}'.", timeout=3)

    def action_choose_database(self) -> None:
        self.list_databases()

    @work(thread=True, exclusive=True, group="sql-databases", description="Listing databases",
          exit_on_error=False)
    def list_databases(self) -> None:
        """List the server's databases for the picker."""
        self.post_message(messages.DatabasesLoaded(self.runner.clients.postgres().list_databases()))

    @on(messages.DatabasesLoaded)
    def _databases_loaded(self, event: messages.DatabasesLoaded) -> None:
        choices = [(d.name, d.name) for d in event.databases if d.allow_connections]
        screen = ChoiceScreen("Run statements in database:", choices, self.database)
        self.app.push_screen(screen, self._database_chosen)

    def _database_chosen(self, name: str | None) -> None:
        if name:
            self.use_database(name)

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

    def action_save_result(self) -> None:
        view = self.results.current
        if view is None or view.grid is None:
            self.notify("No result with rows to save.", severity="warning")
            return
        default = locations.new_export(self.profile.name, "result", "csv")
        again = "runs again, filtered" if view.row_filter else "runs again"
        prompt = TextPrompt(f"Save the result (the query {again}) to a .csv or .json file:",
                            value=str(default))
        self.app.push_screen(prompt, lambda path: self._save_to(view, path))

    def _save_to(self, view: ResultView, path: str | None) -> None:
        if not path:
            return
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in ("csv", "json"):
            self.notify("Name a .csv or .json file.", title="Save result", severity="error")
            return
        self.export(view.database or self.database, view.sql, view.row_filter or "", path, fmt)

    @work(thread=True, exclusive=True, group="sql-export", description="Saving the result",
          exit_on_error=False)
    def export(self, database: str, sql: str, row_filter: str, path: str, fmt: str) -> None:
        """Write the rows of ``sql`` (those holding ``row_filter``, when given) to ``path``."""
        query, params = filter_rows(sql, row_filter) if row_filter else (sql, None)
        rows = export_query(self.runner.clients.postgres(), database, query, path, fmt, params)
        self.post_message(messages.ExportFinished(path, rows))

    @on(messages.ExportFinished)
    def _exported(self, event: messages.ExportFinished) -> None:
        self.notify(f"Saved {event.rows:,} rows to {event.path}.", title="Save result")

    # Buffer, results navigation, hooks ----------------------------------------

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

    @work(thread=True, exclusive=True, group="sql-buffer", description="Saving the editor",
          exit_on_error=False)
    def save_buffer(self, text: str) -> None:
        """Write the editor's text to the profile's state directory."""
        try:
            history.save_buffer(self.profile.name, text)
        except OSError as exc:
            if not self._buffer_failing:
                self._warn_from_thread(f"Editor text not saved ({exc.strerror or exc}); "
                                       "it stays in the editor.")
            self._buffer_failing = True
        else:
            self._buffer_failing = False

    def _warn_from_thread(self, text: str) -> None:
        self.post_message(messages.HistoryUnsaved(text))

    @on(messages.HistoryUnsaved)
    def _warn(self, event: messages.HistoryUnsaved) -> None:
        self.notify(event.text, title="Not saved", severity="warning")

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
