"""PostgreSQL as a ``SqlEngine``: its databases are the targets, a ``Session`` each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.backends.postgres._filter import filter_rows
from console.backends.sql import Catalog, Target

if TYPE_CHECKING:
    from console.backends.postgres._client import PostgresClient
    from console.backends.postgres._session import Session

ENGINE = "postgres"


class PostgresEngine:
    """Run the SQL editor's statements on the profile's PostgreSQL server."""

    name = ENGINE
    title = "PostgreSQL"

    def __init__(self, client: PostgresClient) -> None:
        self.client = client

    def targets(self) -> list[Target]:
        """List the databases the profile's role may connect to."""
        return [Target(ENGINE, d.name) for d in self.client.list_databases()
                if d.allow_connections]

    def default_target(self) -> Target:
        """The maintenance database the profile names (``postgres`` by default)."""
        return Target(ENGINE, self.client.settings.dbname)

    def session(self, target: Target) -> Session:
        """Open a psql-like session on the target database."""
        return self.client.session(target.name)

    def catalog(self, target: Target) -> Catalog:
        """Read the target database's schemas, relations and columns."""
        return self.client.catalog(target.name)

    @staticmethod
    def filter_rows(sql: str, text: str) -> tuple[str, tuple[str]]:
        """Wrap ``sql`` so the server keeps only rows whose text holds ``text``."""
        return filter_rows(sql, text)
