"""Managers: the entry point to each collection (``client.jobs``), and the bulk calls.

The server caps every bulk call at 5000 items and a filtered ``PUT`` at 5000
matches; lists of ids in a URL are kept to 500 per request. The managers chunk
so callers need not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.backends.balsam.models import JOB_STATES, Job
from console.backends.balsam.query import FILTER_CHUNK_SIZE, Query
from console.backends.balsam.resources import JOBS, Params, Resource
from console.errors import BadQuery, Unavailable

if TYPE_CHECKING:
    from console.backends.balsam.client import BalsamClient

MAX_ITEMS_PER_BULK_OP = 5000
"""The server's limit on items per bulk call and matches per filtered update."""
RETRYABLE_STATES = frozenset({"FAILED", "RUN_ERROR", "RUN_TIMEOUT"})
"""States a "retry" moves to ``RESTART_READY``."""
JOB_UPDATE_FIELDS = frozenset(
    {
        "state",
        "state_timestamp",
        "state_data",
        "tags",
        "data",
        "batch_job_id",
        "pending_file_cleanup",
        "return_code",
        "num_nodes",
        "ranks_per_node",
        "threads_per_rank",
        "threads_per_core",
        "launch_params",
        "gpus_per_rank",
        "node_packing_count",
        "wall_time_min",
        "serialized_return_value",
        "serialized_exception",
        "workdir",
    }
)


@dataclass(frozen=True)
class Page:
    """One reply of a list request: the total matching and this page's records."""

    count: int
    results: list[Any]


@dataclass(frozen=True)
class BulkReport:
    """What a bulk change did, for the operator's report.

    Attributes:
        matched: Rows the query matched when the change started.
        changed: Rows the server says it changed (or deleted).
        skipped: Rows left alone (already in the target state, or held by a launcher).
        requests: Requests the change took.
    """

    matched: int
    changed: int
    skipped: int
    requests: int

    def describe(self, verb: str) -> str:
        """Say what happened in one sentence (``verb`` like ``"retried"``)."""
        text = f"{self.changed} of {self.matched} jobs {verb}"
        if self.skipped:
            text += f", {self.skipped} left alone"
        return f"{text} ({self.requests} requests)"


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
            return self.resource.model.from_json(row)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Unavailable(
                f"the Balsam API sent a malformed {self.resource.name} row", operation=operation
            ) from exc

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

    async def delete_one(self, record_id: int) -> None:
        """Delete one row by id."""
        path = f"{self.resource.path}{int(record_id)}"
        operation = f"delete {self.resource.name} {record_id}"
        await self.client.request("DELETE", path, operation=operation)

    async def update_query(self, query: Query, fields: Mapping[str, Any]) -> BulkReport:
        raise BadQuery(f"{self.resource.name}s cannot be updated by filter")

    async def delete_query(self, query: Query) -> BulkReport:
        raise BadQuery(f"{self.resource.name}s cannot be deleted by filter")


class JobManager(Manager):
    """Jobs: queries plus bulk create, update and delete."""

    def __init__(self, client: BalsamClient) -> None:
        super().__init__(client, JOBS)

    async def bulk_create(self, items: Sequence[Mapping[str, Any]]) -> list[Job]:
        """Create jobs in chunks of 5000 (``POST /jobs/``, not retried: it is not idempotent).

        Args:
            items: Job bodies, each with at least ``workdir`` and ``app_id``.

        Returns:
            The created jobs, in order.

        Raises:
            BadQuery: a body lacks ``workdir``/``app_id`` or repeats a workdir.
            ReadOnlyRefused: the profile is read-only.
        """
        self.client.check_writable("create jobs")
        workdirs = [item.get("workdir") for item in items]
        if any(not w or not item.get("app_id") for w, item in zip(workdirs, items)):
            raise BadQuery("every job needs a workdir and an app_id")
        if len(set(workdirs)) != len(workdirs):
            raise BadQuery("workdirs must be unique within one bulk create")
        created: list[Job] = []
        for chunk in chunks(list(items), MAX_ITEMS_PER_BULK_OP):
            rows = await self.client.request(
                "POST", JOBS.path, json=[dict(i) for i in chunk], operation="create jobs"
            )
            if not isinstance(rows, list):
                raise Unavailable("the Balsam API did not return the created jobs")
            created.extend(self._record(row, "create jobs") for row in rows)
        return created

    async def bulk_update(self, items: Sequence[Mapping[str, Any]]) -> int:
        """Apply a different change to each job (``PATCH /jobs/``); return rows updated.

        Items are grouped so every request carries the same set of keys (the
        real server fails with 500 on mixed keys) and chunked by 5000.

        Raises:
            BadQuery: an item without ``id``, a repeated id, or an unknown field.
        """
        self.client.check_writable("update jobs")
        ids = [item.get("id") for item in items]
        if any(not isinstance(i, int) for i in ids) or len(set(ids)) != len(ids):
            raise BadQuery("every item needs a distinct integer id")
        groups: dict[frozenset[str], list[dict[str, Any]]] = {}
        for item in items:
            _check_fields(k for k in item if k != "id")
            groups.setdefault(frozenset(item), []).append(dict(item))
        updated = 0
        for group in groups.values():
            for chunk in chunks(group, MAX_ITEMS_PER_BULK_OP):
                updated += await self._patch(list(chunk))
        return updated

    async def _patch(self, items: list[dict[str, Any]]) -> int:
        result = await self.client.request("PATCH", JOBS.path, json=items, operation="update jobs")
        return _as_count(result, "update jobs")

    async def update_query(self, query: Query, fields: Mapping[str, Any]) -> BulkReport:
        """Apply one change to every job the query matches.

        Unsliced queries of up to 5000 jobs take one filtered ``PUT``; larger
        ones are updated by id in bulk ``PATCH`` calls of 5000. A state change
        leaves out jobs already in that state (the server would still log an
        event for them).

        Raises:
            BadQuery: no filter (that would change every job), or a bad field.
        """
        _check_fields(fields)
        self.client.check_writable("update jobs")
        if not query.filters and not query.sliced:
            raise BadQuery("refusing to update every job: add a filter")
        before = self.client.requests_sent
        matched = await query.count()
        target = _narrow(query, fields)
        todo = matched if target is query else await target.count()
        if todo == 0:
            changed = 0
        elif todo <= MAX_ITEMS_PER_BULK_OP and not (target.sliced or target._long_filter()):
            changed = await self._put_by_filter(target, fields)
        else:
            changed = await self.update_ids(await target.ids(), fields)
        requests = self.client.requests_sent - before
        return BulkReport(matched, changed, matched - changed, requests)

    async def _put_by_filter(self, query: Query, fields: Mapping[str, Any]) -> int:
        try:
            result = await self.client.request(
                "PUT", JOBS.path, params=query.params(), json=dict(fields), operation="update jobs"
            )
        except BadQuery:
            # More jobs matched by now than one filtered PUT may touch: go by id.
            return await self.update_ids(await query._clone().ids(), fields)
        return _as_count(result, "update jobs")

    async def update_ids(self, ids: Sequence[int], fields: Mapping[str, Any]) -> int:
        """Apply one change to the jobs with these ids (bulk ``PATCH`` in chunks of 5000)."""
        _check_fields(fields)
        updated = 0
        for chunk in chunks(list(ids), MAX_ITEMS_PER_BULK_OP):
            updated += await self._patch([{"id": i, **fields} for i in chunk])
        return updated

    async def delete_query(self, query: Query) -> BulkReport:
        """Delete every job the query matches; jobs held by a launcher are kept.

        Raises:
            BadQuery: no filter (that would delete every job).
        """
        self.client.check_writable("delete jobs")
        if not query.filters and not query.sliced:
            raise BadQuery("refusing to delete every job: add a filter")
        before = self.client.requests_sent
        matched = await query.count()
        if matched and (query.sliced or query._long_filter()):
            await self.delete_ids(await query.ids())
            remaining = await self.filter(id=await query.ids()).count()
        elif matched:
            await self.client.request(
                "DELETE", JOBS.path, params=query.params(), operation="delete jobs"
            )
            remaining = await query._clone().count()
        else:
            remaining = 0
        requests = self.client.requests_sent - before
        return BulkReport(matched, matched - remaining, remaining, requests)

    async def delete_ids(self, ids: Sequence[int]) -> None:
        """Delete the jobs with these ids (500 ids per request)."""
        for chunk in chunks(list(ids), FILTER_CHUNK_SIZE):
            params = [("id", str(i)) for i in chunk]
            await self.client.request("DELETE", JOBS.path, params=params, operation="delete jobs")

    async def retry(self, query: Query) -> BulkReport:
        """Move the query's failed, errored and timed-out jobs to ``RESTART_READY``."""
        return await self.update_query(
            query.filter(state=_retryable(query)), {"state": "RESTART_READY"}
        )

    async def add_tags(self, query: Query, tags: Mapping[str, str]) -> BulkReport:
        """Merge ``tags`` into the tags of every job the query matches."""
        self.client.check_writable("tag jobs")
        before = self.client.requests_sent
        jobs = await query._clone().all() if not query.sliced else await query.all()
        todo = [j for j in jobs if any(j.tags.get(k) != v for k, v in tags.items())]
        changed = await self.bulk_update([{"id": j.id, "tags": {**j.tags, **tags}} for j in todo])
        requests = self.client.requests_sent - before
        return BulkReport(len(jobs), changed, len(jobs) - len(todo), requests)


def _retryable(query: Query) -> tuple[str, ...]:
    asked = query.filters.get("state")
    wanted = set(asked) & RETRYABLE_STATES if asked else RETRYABLE_STATES
    return tuple(sorted(wanted))


def _narrow(query: Query, fields: Mapping[str, Any]) -> Query:
    """Leave out jobs already in the target state, when the change sets one."""
    state = fields.get("state")
    if state is None or query.sliced or "state__ne" in query.filters:
        return query
    current = query.filters.get("state")
    if current is not None:
        return query if state not in current else query.filter(state__ne=state)
    return query.filter(state__ne=state)


def _check_fields(fields: Iterable[str] | Mapping[str, Any]) -> None:
    names = list(fields)
    if isinstance(fields, Mapping) and "state" in fields:
        check_state(fields["state"])
    unknown = sorted(set(names) - JOB_UPDATE_FIELDS)
    if unknown:
        raise BadQuery(f"jobs have no updatable field {', '.join(unknown)}")
    if not names:
        raise BadQuery("nothing to change")


def _as_count(result: Any, operation: str) -> int:
    if isinstance(result, bool) or not isinstance(result, int):
        raise Unavailable("the Balsam API did not answer with a count", operation=operation)
    return result


def check_state(state: str) -> str:
    """Return ``state`` if it is a job state, else raise ``BadQuery``."""
    if state not in JOB_STATES:
        raise BadQuery(f"'{state}' is not a job state (one of: {', '.join(JOB_STATES)})")
    return state
