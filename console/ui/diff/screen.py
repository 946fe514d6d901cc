"""``:diff PROFILE``: the current view on two profiles side by side, differences marked.

The screen runs one ``DiffJob`` in a worker (the SQL comparison runs in a
thread inside it), shows the summary on top (``3 only in staging · 5 only in
prod · 12 differ``) and each side under its profile's name and colour. The
two tables move together; ``n``/``p`` jump between differences, ``r``
compares again. The second profile's registry is the screen's: it is closed
when the screen closes.
"""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from console.clients import Clients
from console.diff import DEFAULT_LIMIT, SAME, Comparison, DiffJob, DiffRequest, Side
from console.errors import ConsoleError, redact
from console.profiles.settings import COLORS
from console.ui.diff.table import DiffTable
from console.ui.errors import failure_of, report_error
from console.ui.widgets.status_line import StatusLine

_BADGE_CSS = "\n".join(
    f"DiffScreen .diff-badge.-color-{c} {{ background: $env-{c}; color: auto 90%; }}"
    for c in COLORS)


def badge_text(side: Side) -> str:
    """`` ● staging:orders `` — the side's profile, and where in it."""
    return f" ● {side.label} "


class DiffScreen(Screen[None]):
    """Two profiles' view of the same thing, side by side.

    Args:
        request: What to compare.
        a: The current profile's registry (shared with its panes; never closed here).
        b: The second profile's registry, closed with the screen.
        limit: Differing rows to show; all are counted.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "jump(1)", "Next diff", tooltip="Go to the next difference",
                id="diff-next"),
        Binding("p", "jump(-1)", "Prev diff", tooltip="Go to the previous difference",
                id="diff-previous"),
        Binding("r", "compare", "Refresh", tooltip="Compare both profiles again",
                id="diff-refresh"),
        Binding("escape,q", "close", "Close", tooltip="Close the comparison", id="diff-close"),
    ]
    DEFAULT_CSS = f"""
    DiffScreen {{ layout: vertical; }}
    DiffScreen #diff-title {{ height: 1; padding: 0 1; background: $panel; text-style: bold; }}
    DiffScreen #diff-sides {{ height: 1fr; }}
    DiffScreen .diff-side {{ width: 1fr; }}
    /* the first side holds the key: as wide as it needs, up to most of the screen */
    DiffScreen #diff-side-a {{ width: auto; max-width: 60%; }}
    DiffScreen #diff-side-a > DiffTable {{ width: auto; max-width: 100%; }}
    DiffScreen .diff-side:focus-within .diff-badge {{ text-style: bold reverse; }}
    DiffScreen .diff-badge {{ height: 1; width: auto; min-width: 100%; text-style: bold; }}
    DiffScreen #diff-notes {{ height: auto; max-height: 3; padding: 0 1; color: $text-muted; }}
    {_BADGE_CSS}
    """

    def __init__(self, request: DiffRequest, a: Clients, b: Clients, *,
                 limit: int = DEFAULT_LIMIT) -> None:
        super().__init__()
        self.request = request
        self.a, self.b = a, b
        self.limit = limit
        self.comparison: Comparison | None = None
        """The last comparison shown."""
        self._job: DiffJob | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"diff · {self.request.describe()}", id="diff-title", markup=False)
        yield StatusLine("comparing…", id="diff-summary")
        with Horizontal(id="diff-sides"):
            for side, clients in (("a", self.a), ("b", self.b)):
                with Vertical(classes="diff-side", id=f"diff-side-{side}"):
                    yield self._badge(Side(clients.profile.name, "",
                                           clients.profile.settings.color))
                    yield DiffTable(side, id=f"diff-{side}")
        yield Static("", id="diff-notes", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    @staticmethod
    def _badge(side: Side) -> Static:
        return Static(badge_text(side), classes=f"diff-badge -color-{side.color}", markup=False)

    def on_mount(self) -> None:
        self.query_one("#diff-a", DiffTable).focus()
        self.action_compare()

    def action_compare(self) -> None:
        self.query_one(StatusLine).show(self._summary_text(), "comparing…")
        self.compare()

    @work(exclusive=True, group="diff", description="Comparing two profiles",
          exit_on_error=False)
    async def compare(self) -> None:
        """Run the comparison (the SQL one in a thread), then show it."""
        if self._job is not None:
            self._job.cancel()  # a refresh replaces a comparison still running on the servers
        self._job = DiffJob(self.request, self.a, self.b, limit=self.limit)
        self.show(await self._job.run())

    def show(self, comparison: Comparison) -> None:
        """Show a comparison on both sides, with its summary and notes."""
        self.comparison = comparison
        for side, table in zip((comparison.a, comparison.b), self.query(DiffTable)):
            table.show(comparison)
            badge = table.parent.query_one(".diff-badge", Static) if table.parent else None
            if badge is not None:
                badge.update(badge_text(side))
        self.query_one(StatusLine).show(self._summary_text())
        notes = [f"matched by {comparison.matched_by}", *comparison.notes]
        self.query_one("#diff-notes", Static).update(" · ".join(notes))

    def _summary_text(self) -> str:
        comparison = self.comparison
        if comparison is None:
            return ""
        more = f"first {len(comparison.rows)} shown, {comparison.more:,} more" \
            if comparison.more else ""
        return " · ".join(part for part in (comparison.summary(), more) if part)

    def action_jump(self, step: int) -> None:
        """Move both sides to the next (``1``) or previous (``-1``) differing row."""
        table = self._current_table()
        rows = table.rows_shown
        marked = [i for i, row in enumerate(rows) if row.state != SAME]
        if not marked:
            self.notify("No differences.", timeout=2)
            return
        here = table.cursor_row
        ahead = [i for i in marked if (i - here) * step > 0]
        target = (min if step > 0 else max)(ahead) if ahead else marked[0 if step > 0 else -1]
        table.move_cursor(row=target)

    def _current_table(self) -> DiffTable:
        focused = self.focused
        return focused if isinstance(focused, DiffTable) else self.query_one("#diff-a", DiffTable)

    @on(DataTable.RowHighlighted)
    def _keep_sides_together(self, event: DataTable.RowHighlighted) -> None:
        for table in self.query(DiffTable):
            if table is not event.control and table.cursor_row != event.cursor_row:
                table.move_cursor(row=event.cursor_row, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        error = failure_of(event)
        if error is None or event.state is not WorkerState.ERROR:
            return
        secrets = self.a.profile.secret_values() + self.b.profile.secret_values()
        report_error(self, error, secrets)
        where = getattr(error, "profile", None) if isinstance(error, ConsoleError) else None
        text = redact(f"{where}: {error}" if where else str(error), secrets)
        self.query_one(StatusLine).show("comparison failed", text)

    async def on_unmount(self) -> None:
        if self._job is not None:
            self._job.cancel()  # a SQL comparison's statements stop on both servers
        with suppress(ConsoleError, OSError):
            await self.b.aclose()
