"""Which database the SQL pane runs in: the picker, ``:sql NAME`` and its catalog.

The catalog (schemas, relations, columns) is read in a worker for the editor's
completion each time the database changes; a catalog that arrives for a
database no longer chosen is dropped.
"""

from __future__ import annotations

from textual import on, work
from textual.widgets import Static

from console.ui import messages
from console.ui.sql.base import SqlPaneBase
from console.ui.widgets.prompts import ChoiceScreen


class DatabaseChoice(SqlPaneBase):
    """Choose the database statements run in, and read its catalog for completion."""

    def _show_database(self) -> None:
        self.query_one("#sql-database", Static).update(f"▾ {self.database}")

    @work(
        thread=True,
        exclusive=True,
        group="sql-catalog",
        description="Reading the catalog",
        exit_on_error=False,
    )
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

    @work(
        thread=True,
        exclusive=True,
        group="sql-databases",
        description="Listing databases",
        exit_on_error=False,
    )
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
