"""Managers: the entry point to each collection (``client.sites``, ``client.apps``…).

A manager makes lazy queries (``filter``, ``order_by``), reads one page or one
row, and creates, updates or deletes one row. Jobs have their own manager with
the bulk calls (``jobs.py``), batch jobs theirs (``batch.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.backends.balsam.query import Query
from console.backends.balsam.resources import Params, Resource
from console.errors import BadQuery, Unavailable

if TYPE_CHECKING:
    from console.backends.balsam.client import BalsamClient

MAX_ITEMS_PER_BULK_OP = 5000
"""The server's limit on items per bulk call and matches per filtered update."""


@dataclass(frozen=True)
class Page:
    """One reply of a list request: the total matching and this page's records."""

    count: int
    results: list[Any]


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """Yield consecutive slices of at most ``size`` items."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Manager:
    """Queries and single-row calls of one collection."""

    def __init__(self, client: BalsamClient, resource: Resource) -> None:
        self.client = client
        self.resource = resource

    def all(self) -> Query:
        """Return a query of every row (nothing is sent until it is evaluated)."""
        return Query(self)

    def filter(self, **filters: Any) -> Query:
        """Return a query narrowed by ``filters`` (validated now)."""
        return self.all().filter(**filters)

    def order_by(self, field: str | None) -> Query:
        """Return a query of every row ordered by ``field``."""
        return self.all().order_by(field)

    async def get(self, **filters: Any) -> Any:
        """Return the one row matching ``filters``; see ``Query.get``."""
        return await self.all().get(**filters)

    async def count(self, **filters: Any) -> int:
        """Count rows matching ``filters`` without fetching them."""
        return await self.filter(**filters).count()

    async def fetch_page(self, params: Params, verb: str) -> Page:
        """Send one list request and parse its ``{"count", "results"}`` envelope.

        Raises:
            Unavailable: the reply is not such an envelope.
        """
        operation = f"{verb} {self.resource.name}s"
        body = await self.client.request(
            "GET", self.resource.path, params=params, operation=operation
        )
        if isinstance(body, list) and not self.resource.paged:
            return Page(len(body), [self._record(row, operation) for row in body])
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise Unavailable(
                "the Balsam API sent a list reply without results", operation=operation
            )
        count = body.get("count")
        results = [self._record(row, operation) for row in body["results"]]
        return Page(count if isinstance(count, int) else len(results), results)

    def _record(self, row: Any, operation: str) -> Any:
        try:
            return self.bind(self.resource.model.from_json(row))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Unavailable(
                f"the Balsam API sent a malformed {self.resource.name} row", operation=operation
            ) from exc

    def bind(self, record: Any) -> Any:
        """Attach a record to this manager (jobs save and delete themselves through it)."""
        return record

    async def retrieve(self, record_id: int) -> Any:
        """Fetch one row by id.

        Raises:
            NotFound: no row has that id.
        """
        operation = f"read {self.resource.name} {record_id}"
        path = f"{self.resource.path}{int(record_id)}"
        row = await self.client.request("GET", path, operation=operation)
        return self._record(row, operation)

    async def create(self, **fields: Any) -> Any:
        """Create one row (sites, apps, batch jobs) and return it."""
        operation = f"create {self.resource.name}"
        row = await self.client.request(
            "POST", self.resource.path, json=fields, operation=operation
        )
        return self._record(row, operation)

    async def update_one(self, record_id: int, **fields: Any) -> Any:
        """Change one row by id (``PUT``) and return it as the server now has it."""
        path = f"{self.resource.path}{int(record_id)}"
        operation = f"update {self.resource.name} {record_id}"
        row = await self.client.request("PUT", path, json=fields, operation=operation)
        return self._record(row, operation) if isinstance(row, dict) else await self.retrieve(
            record_id
        )

    async def delete_one(self, record_id: int) -> None:
        """Delete one row by id."""
        path = f"{self.resource.path}{int(record_id)}"
        operation = f"delete {self.resource.name} {record_id}"
        await self.client.request("DELETE", path, operation=operation)

    async def update_query(self, query: Query, fields: Any) -> Any:
        raise BadQuery(f"{self.resource.name}s cannot be updated by filter")

    async def delete_query(self, query: Query) -> Any:
        raise BadQuery(f"{self.resource.name}s cannot be deleted by filter")
