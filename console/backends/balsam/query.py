"""A lazy query over one Balsam collection, modelled on the Balsam Python API.

``filter`` and ``order_by`` chain without sending anything; ``[a:b]`` becomes
``limit``/``offset``; ``count()`` sends ``limit=0``; evaluating (``await
q.all()`` or ``async for``) pages through every match with limit/offset and
caches the rows on the query.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Generator
from typing import TYPE_CHECKING, Any

from console.backends.balsam.resources import check_filters, merge_filters, to_params
from console.errors import BadQuery, Conflict, NotFound

if TYPE_CHECKING:
    from console.backends.balsam.manager import Manager

MAX_PAGE_SIZE = 100_000
"""The server's default and largest ``limit``."""
FILTER_CHUNK_SIZE = 500
"""List filters longer than this are split over several requests (URLs stay short)."""


class DoesNotExist(NotFound):
    """``get()`` matched no row."""


class MultipleObjectsReturned(Conflict):
    """``get()`` matched more than one row."""


class Query:
    """A lazy, chainable query; create one from a manager (``client.jobs.filter(...)``)."""

    def __init__(
        self,
        manager: Manager,
        filters: dict[str, Any] | None = None,
        ordering: str | None = None,
        start: int = 0,
        stop: int | None = None,
    ) -> None:
        self.manager = manager
        self.filters = filters or {}
        self.ordering = ordering
        self.start = start
        self.stop = stop
        self.page_size = MAX_PAGE_SIZE
        """Rows asked per request while evaluating."""
        self._cache: list[Any] | None = None

    def __repr__(self) -> str:
        path = self.manager.resource.path
        return f"<Query {path} {to_params(self.filters)} [{self.start}:{self.stop}]>"

    @property
    def sliced(self) -> bool:
        """Whether ``[a:b]`` was applied (a sliced query cannot be refined)."""
        return self.start > 0 or self.stop is not None

    @property
    def result_cache(self) -> list[Any] | None:
        """The rows, once evaluated; ``None`` before."""
        return self._cache

    def _clone(self, **changes: Any) -> Query:
        values = {
            "filters": self.filters,
            "ordering": self.ordering,
            "start": self.start,
            "stop": self.stop,
        }
        values.update(changes)
        clone = Query(self.manager, **values)
        clone.page_size = self.page_size
        return clone

    def filter(self, **filters: Any) -> Query:
        """Return a query narrowed by more filters (validated now, sent later).

        Raises:
            BadQuery: an unknown filter, a bad value, or the query is already sliced.
        """
        if self.sliced:
            raise BadQuery("a sliced query cannot be filtered further")
        clean = check_filters(self.manager.resource, filters)
        return self._clone(filters=merge_filters(self.filters, clean))

    def order_by(self, field: str | None) -> Query:
        """Return a query ordered by ``field`` (``-field`` descending; ``None`` for id order).

        Raises:
            BadQuery: an ordering the server does not offer, or the query is sliced.
        """
        if self.sliced:
            raise BadQuery("order a query before slicing it")
        allowed = self.manager.resource.orderings
        if field is not None and field not in allowed:
            choices = ", ".join(allowed) or "none"
            raise BadQuery(f"cannot order {self.manager.resource.name}s by '{field}' ({choices})")
        return self._clone(ordering=field)

    def __getitem__(self, key: int | slice) -> Any:
        if isinstance(key, int):
            if key < 0:
                raise BadQuery("negative indexes are not supported")
            return self[key : key + 1].first()
        if key.step not in (None, 1):
            raise BadQuery("slices with a step are not supported")
        lo, hi = key.start or 0, key.stop
        if lo < 0 or (hi is not None and hi < 0):
            raise BadQuery("negative indexes are not supported")
        start = self.start + lo
        stop = self.start + hi if hi is not None else self.stop
        if self.stop is not None and stop is not None:
            stop = min(stop, self.stop)
        return self._clone(start=start, stop=stop if stop is None else max(stop, start))

    def params(
        self, *, limit: int | None = None, offset: int | None = None
    ) -> list[tuple[str, str]]:
        """Return the query parameters one request of this query sends."""
        params = to_params(self.filters)
        if self.ordering:
            params.append(("ordering", self.ordering))
        if limit is not None:
            params.append(("limit", str(limit)))
        if offset is not None:
            params.append(("offset", str(offset)))
        return params

    def is_empty(self) -> bool:
        """Whether the query matches nothing by construction (an empty list filter,
        an empty slice): no request is needed."""
        return any(isinstance(v, tuple) and not v for v in self.filters.values()) or (
            self.stop is not None and self.stop <= self.start
        )

    def _long_filter(self) -> str | None:
        for name, value in self.filters.items():
            if isinstance(value, tuple) and len(value) > FILTER_CHUNK_SIZE:
                return name
        return None

    async def count(self) -> int:
        """Ask the server how many rows match, without fetching them (``limit=0``)."""
        if self._cache is not None:
            return len(self._cache)
        if self.is_empty():
            return 0
        if self._long_filter():
            return len(await self.all())
        page = await self.manager.fetch_page(self.params(limit=0, offset=0), "count")
        total = max(0, page.count - self.start)
        return total if self.stop is None else min(total, self.stop - self.start)

    async def first(self) -> Any | None:
        """Return the first matching row, or ``None``."""
        if self._cache is not None:
            return self._cache[0] if self._cache else None
        rows = await self[0:1].all()
        return rows[0] if rows else None

    async def get(self, **filters: Any) -> Any:
        """Return the one row matching the query and ``filters``.

        Raises:
            DoesNotExist: nothing matched.
            MultipleObjectsReturned: more than one row matched.
        """
        query = self.filter(**filters) if filters else self
        rows = await query[0:2].all()
        what = self.manager.resource.name
        shown = dict(query.params())
        if not rows:
            raise DoesNotExist(f"no {what} matches {shown}")
        if len(rows) > 1:
            raise MultipleObjectsReturned(f"more than one {what} matches {shown}")
        return rows[0]

    async def all(self) -> list[Any]:
        """Evaluate the query (every page) and return its rows; cached after the first call."""
        if self._cache is None:
            self._cache = [row async for row in self._rows()]
        return self._cache

    def __aiter__(self) -> AsyncIterator[Any]:
        if self._cache is not None:
            return _iterate(self._cache)
        return self._caching_rows()

    async def _caching_rows(self) -> AsyncIterator[Any]:
        rows: list[Any] = []
        async for row in self._rows():
            rows.append(row)
            yield row
        self._cache = rows

    async def _rows(self) -> AsyncIterator[Any]:
        if self.is_empty():
            return
        if self._long_filter():
            for row in await self._chunked():
                yield row
            return
        async for row in self._pages():
            yield row

    async def _pages(self) -> AsyncIterator[Any]:
        offset = self.start
        while self.stop is None or offset < self.stop:
            limit = self.page_size if self.stop is None else min(self.page_size, self.stop - offset)
            page = await self.manager.fetch_page(self.params(limit=limit, offset=offset), "list")
            for row in page.results:
                yield row
            offset += len(page.results)
            if len(page.results) < limit or offset >= page.count:
                return

    async def _chunked(self) -> list[Any]:
        """Split the longest list filter, fetch each part, merge and re-sort client-side."""
        name = self._long_filter()
        assert name is not None
        values = self.filters[name]
        seen: dict[int, Any] = {}
        for i in range(0, len(values), FILTER_CHUNK_SIZE):
            part = self._clone(filters={**self.filters, name: values[i : i + FILTER_CHUNK_SIZE]})
            part.start, part.stop = 0, None
            for row in await part.all():
                seen[row.id] = row
        rows = sorted(seen.values(), key=lambda r: r.id)
        if self.ordering:
            field = self.ordering.lstrip("-")
            rows.sort(key=lambda r: _sort_key(r, field), reverse=self.ordering.startswith("-"))
        return rows[self.start : self.stop]

    def fresh(self) -> Query:
        """The same query, not yet evaluated (a later read of what it matches now)."""
        return self._clone()

    async def exists(self) -> bool:
        """Whether anything matches, asking for one row at most."""
        if self._cache is not None:
            return bool(self._cache)
        return await self.first() is not None

    def __len__(self) -> int:
        """The number of rows of an evaluated query (``await query`` evaluates it)."""
        return len(self._evaluated("len()"))

    def __bool__(self) -> bool:
        """Whether an evaluated query has rows (``await query`` evaluates it)."""
        return bool(self._evaluated("bool()"))

    def _evaluated(self, what: str) -> list[Any]:
        if self._cache is None:
            raise BadQuery(
                f"{what} needs the rows: evaluate the query first (await query, or "
                "await query.all()); to count without fetching, await query.count()"
            )
        return self._cache

    def __await__(self) -> Generator[Any, None, Query]:
        """``await query`` fetches every row (cached) and gives the query back."""
        return self._evaluate().__await__()

    async def _evaluate(self) -> Query:
        await self.all()
        return self

    async def update(self, **fields: Any) -> Any:
        """Apply the same change to every match (see ``JobManager.update_query``)."""
        return await self.manager.update_query(self, fields)

    async def delete(self) -> Any:
        """Delete every match (see ``JobManager.delete_query``)."""
        return await self.manager.delete_query(self)

    def ids(self) -> Awaitable[list[int]]:
        """Return the ids of every match (evaluates the query)."""
        return _ids(self)


async def _ids(query: Query) -> list[int]:
    return [row.id for row in await query.all()]


async def _iterate(rows: list[Any]) -> AsyncIterator[Any]:
    for row in rows:
        yield row


def _sort_key(row: Any, field: str) -> Any:
    value = row.raw.get(field)
    return (value is None, value if value is not None else "")
