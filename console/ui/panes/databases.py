"""The Databases pane: databases and their catalog; data jobs; roles and keys.

Three views in one pane: the databases with the catalog of the selected one
(``n``/``r``/``d`` create, rename, drop; ``i`` imports into it, ``x`` exports
the table under the catalog's cursor), the data jobs list (``J``) and the
Roles view (``o``); Esc comes back. Every call to the server runs in a thread
worker (psycopg2 blocks). Drop and rename ask first, naming the database;
drop offers to end open connections when the database is in use.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, DataTable, Static
from textual.worker import Worker

from console.backends.postgres import PostgresClient
from console.clients import Clients
from console.errors import ConsoleError
from console.ui import messages
from console.ui.command_line import Command, CommandLine
from console.ui.confirm import Confirmation, ConfirmScreen
from console.ui.databases.catalog_tree import (
    CatalogItem,
    CatalogTree,
    Child,
    column_children,
    relation_children,
    schema_children,
)
from console.ui.databases.data_jobs_part import DataJobsPart
from console.ui.databases.database_table import DatabaseTable
from console.ui.databases.jobs_view import DataJobsView
from console.ui.databases.roles_part import RolesPart
from console.ui.databases.roles_view import RolesView
from console.ui.errors import report_failure
from console.ui.widgets.prompts import TextPrompt

MAIN, JOBS, ROLES = "db-main", "db-jobs", "db-roles"
MAIN_ONLY = frozenset({"create", "rename", "drop", "refresh", "open_sql", "focus_tree",
                       "import_data", "export_table"})
"""Actions on the databases and their catalog: off (and out of the footer) in the other views."""


class DatabasesPane(RolesPart, DataJobsPart):
    """The server's databases and the catalog of the one under the cursor; data jobs; roles."""

    pane_id: ClassVar[str] = "databases"
    title: ClassVar[str] = "Databases"
    key: ClassVar[str] = "5"
    section: ClassVar[str | None] = "postgres"

    BINDINGS = [
        Binding("n", "create", "New", tooltip="Create a database", id="db-create"),
        Binding("r", "rename", "Rename", tooltip="Rename the selected database", id="db-rename"),
        Binding("d,delete", "drop", "Drop", tooltip="Drop the selected database (asks first)",
                id="db-drop"),
        Binding("ctrl+r", "refresh", "Refresh", tooltip="List the databases again",
                id="db-refresh"),
        Binding("s", "open_sql", "SQL", tooltip="Open the SQL editor on the selected database",
                id="db-open-sql"),
        Binding("t", "focus_tree", "Catalog", tooltip="Browse the selected database's catalog",
                id="db-catalog"),
        Binding("J", "show_view('db-jobs')", "Jobs", tooltip="The data jobs: imports and "
                "exports, their progress and why one failed", id="db-data-jobs"),
        Binding("o", "show_view('db-roles')", "Roles", tooltip="Roles and keys: list, create, "
                "rotate, grant, revoke, drop", id="db-roles"),
        Binding("escape", "show_view('db-main')", "Back", show=False,
                tooltip="Back to the databases", id="db-back"),
    ]
    DEFAULT_CSS = """
    DatabasesPane { layout: vertical; }
    DatabasesPane > ContentSwitcher { height: 1fr; }
    DatabasesPane #db-main { height: 1fr; }
    DatabasesPane #db-main > DatabaseTable { height: 2fr; min-height: 4; }
    DatabasesPane .databases--caption { height: 1; padding: 0 1; background: $panel; }
    DatabasesPane #db-main > CatalogTree { height: 3fr; }
    """

    def __init__(self, clients: Clients, *, id: str | None = None) -> None:
        super().__init__(clients, id=id)
        self._pending_select: str | None = None

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial=MAIN):
            with Vertical(id=MAIN):
                yield Static("Databases: n new · r rename · d drop · i import · J jobs · o roles",
                             classes="databases--caption", markup=False)
                yield DatabaseTable(id="db-list")
                yield Static("Catalog", classes="databases--caption", id="catalog-caption",
                             markup=False)
                yield CatalogTree(id="db-catalog")
            with Vertical(id=JOBS):
                yield Static("Data jobs: c cancel · Esc back (kept in the profile; refreshed "
                             "every second)", classes="databases--caption", markup=False)
                yield DataJobsView()
            with Vertical(id=ROLES):
                yield Static("Roles and keys", classes="databases--caption", markup=False)
                yield RolesView()

    @property
    def view(self) -> str:
        """The view shown: ``db-main``, ``db-jobs`` or ``db-roles``."""
        return self.query_one(ContentSwitcher).current or MAIN

    def action_show_view(self, view: str) -> None:
        """Show one of the three views (its table focused), or go back to the databases."""
        if view == self.view:
            view = MAIN
        self.query_one(ContentSwitcher).current = view
        self.refresh_bindings()
        self.follow_jobs(view == JOBS)
        if view == JOBS:
            self.jobs_view.table.focus()
        elif view == ROLES:
            self.load_roles()
            self.roles_view.table.focus()
        else:
            self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in MAIN_ONLY and self.is_mounted and self.view != MAIN)

    def pane_shown(self) -> None:
        self.follow_jobs(self.view == JOBS)

    def pane_hidden(self) -> None:
        self.follow_jobs(False)

    def _database(self) -> str | None:
        return self.table.selected

    def _catalog_item(self) -> CatalogItem | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

    @property
    def table(self) -> DatabaseTable:
        """The list of databases."""
        return self.query_one(DatabaseTable)

    @property
    def tree(self) -> CatalogTree:
        """The catalog of the selected database."""
        return self.query_one(CatalogTree)

    def _client(self) -> PostgresClient:
        return self.clients.postgres()

    def on_mount(self) -> None:
        self.action_refresh()
        self.load_jobs()  # marks jobs a closed console left running as FAILED

    # Listing -----------------------------------------------------------------

    def action_refresh(self, select: str | None = None) -> None:
        self._pending_select = select
        self.load_databases()

    @work(thread=True, exclusive=True, group="db-list", description="Listing databases",
          exit_on_error=False)
    def load_databases(self) -> None:
        """List the server's databases."""
        self.post_message(messages.DatabasesLoaded(self._client().list_databases()))

    @on(messages.DatabasesLoaded)
    def _listed(self, event: messages.DatabasesLoaded) -> None:
        self.table.show(event.databases, select=self._pending_select)
        self._pending_select = None
        self._show_catalog_of(self.table.selected)

    @on(DataTable.RowHighlighted, "#db-list")
    def _row_highlighted(self) -> None:
        self._show_catalog_of(self.table.selected)

    def _show_catalog_of(self, name: str | None) -> None:
        root = self.tree.root.data
        if name is None or (root is not None and root.database == name):
            return
        self.tree.show_database(name)
        self.query_one("#catalog-caption", Static).update(f"Catalog of {name} (Enter opens)")

    def apply_filter(self, text: str) -> None:
        """Show only the databases whose name holds ``text``."""
        self.table.narrow(text)

    def command_words(self) -> list[str]:
        return [str(key.value) for key in self.table.rows]

    def run_command(self, args: str) -> None:
        """``:db NAME`` moves the cursor to database NAME."""
        name = args.strip()
        if name and name in self.table.rows:
            self.table.move_cursor(row=self.table.get_row_index(name))
        elif name:
            self.notify(f"No database named '{name}' is listed.", severity="warning")

    # Catalog tree ------------------------------------------------------------

    @on(CatalogTree.NeedsChildren)
    def _needs_children(self, event: CatalogTree.NeedsChildren) -> None:
        self.load_children(event.node_id, event.item)

    @work(thread=True, exclusive=False, group="db-catalog", description="Reading the catalog",
          exit_on_error=False)
    def load_children(self, node_id: int, item: CatalogItem) -> None:
        """Read the children of one catalog node."""
        try:
            children = self._children(item)
        except ConsoleError as exc:
            self.post_message(messages.CatalogNodeFailed(node_id, item, exc.message))
            raise
        self.post_message(messages.CatalogNodeLoaded(node_id, item, children))

    def _children(self, item: CatalogItem) -> list[Child]:
        client = self._client()
        if item.kind == "database":
            return schema_children(item, client.schemas(item.database))
        if item.kind == "schema":
            return relation_children(item, client.relations(item.database, item.schema))
        return column_children(item, client.columns(item.database, item.schema, item.relation))

    @on(messages.CatalogNodeLoaded)
    def _children_loaded(self, event: messages.CatalogNodeLoaded) -> None:
        self.tree.fill(event.node_id, event.item, event.children)

    @on(messages.CatalogNodeFailed)
    def _children_failed(self, event: messages.CatalogNodeFailed) -> None:
        self.tree.failed(event.node_id, event.item, event.text)

    def action_focus_tree(self) -> None:
        self.tree.focus()

    # Create, rename, drop ----------------------------------------------------

    def action_create(self) -> None:
        prompt = TextPrompt("Name of the new database:", placeholder="e.g. telemetry")
        self.app.push_screen(prompt, self._create_named)

    def _create_named(self, name: str | None) -> None:
        if name:
            self.create_database(name)

    @work(thread=True, exclusive=True, group="db-ddl", description="Creating a database",
          exit_on_error=False)
    def create_database(self, name: str) -> None:
        """Create database ``name``."""
        self._client().create_database(name)
        self.post_message(messages.DatabaseChanged(f"Database '{name}' created.", name))

    def action_rename(self) -> None:
        old = self.table.selected
        if old is None:
            return
        prompt = TextPrompt(f"Rename database '{old}' to:", value=old)
        self.app.push_screen(prompt, lambda new: self._rename_to(old, new))

    def _rename_to(self, old: str, new: str | None) -> None:
        if new and new != old:
            self.rename_database(old, new)

    @work(thread=True, exclusive=True, group="db-ddl", description="Renaming a database",
          exit_on_error=False)
    def rename_database(self, old: str, new: str) -> None:
        """Rename database ``old`` to ``new``."""
        self._client().rename_database(old, new)
        self.post_message(messages.DatabaseChanged(f"Database '{old}' is now '{new}'.", new))

    def action_drop(self) -> None:
        name = self.table.selected
        if name is not None:
            self.count_connections(name)

    @work(thread=True, exclusive=True, group="db-ddl", description="Counting connections",
          exit_on_error=False)
    def count_connections(self, name: str) -> None:
        """Count who is connected to ``name`` before asking to drop it."""
        self.post_message(messages.DropRequested(name, self._client().connections_to(name)))

    @on(messages.DropRequested)
    def _ask_drop(self, event: messages.DropRequested) -> None:
        name, count = event.name, event.connections
        plural = "connection" if count == 1 else "connections"
        force = f"Force: end its {count} open {plural} first" if count else None
        screen = ConfirmScreen(
            "Drop database",
            f'Drop database "{name}" and every table, view and row in it? This cannot be undone.',
            action="Drop", force=force, destructive=True,
        )
        self.app.push_screen(screen, lambda answer: self._drop_confirmed(name, answer))

    def _drop_confirmed(self, name: str, answer: Confirmation | None) -> None:
        if answer is not None:
            self.drop_database(name, answer.force)

    @work(thread=True, exclusive=True, group="db-ddl", description="Dropping a database",
          exit_on_error=False)
    def drop_database(self, name: str, force: bool) -> None:
        """Drop database ``name`` (ending its sessions first when ``force``)."""
        self._client().drop_database(name, force=force)
        self.post_message(messages.DatabaseChanged(f"Database '{name}' dropped.", None))

    @on(messages.DatabaseChanged)
    def _changed(self, event: messages.DatabaseChanged) -> None:
        self.notify(event.text, title="Databases")
        self.action_refresh(select=event.select)

    def action_open_sql(self) -> None:
        name = self.table.selected
        if name is not None:
            self.post_message(CommandLine.Entered(Command("sql", name)))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)
