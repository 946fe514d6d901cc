"""Jobs: create one or many, save and delete one, and bulk changes that report the truth.

Every bulk change works on the jobs it read, by id, never by the filter the
operator typed: the server ignores filters it does not declare and a write by
filter would then reach every job (protocols/balsam.md §8). Jobs already as
asked are left out (the server would log an event for them, and on the real
server one such job in a call keeps the state from the others). Afterwards the
jobs are read again and the report says what that read shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from console.backends.balsam.fields import CREATE, check_create, check_update
from console.backends.balsam.manager import MAX_ITEMS_PER_BULK_OP, Manager, chunks
from console.backends.balsam.models import Job
from console.backends.balsam.query import FILTER_CHUNK_SIZE, Query
from console.backends.balsam.report import BulkReport, already, compare
from console.backends.balsam.resources import JOBS
from console.backends.balsam.spec import app_id
from console.errors import BadQuery, Unavailable

if TYPE_CHECKING:
    from console.backends.balsam.client import BalsamClient

RETRYABLE_STATES = frozenset({"FAILED", "RUN_ERROR", "RUN_TIMEOUT"})
"""States a "retry" moves to ``RESTART_READY``."""
STATE_KEYS = ("state", "state_timestamp", "state_data")


class JobManager(Manager):
    """Jobs: queries, single jobs, and bulk create, update and delete."""

    def __init__(self, client: BalsamClient) -> None:
        super().__init__(client, JOBS)
        self._app_ids: dict[str, int] = {}
        """App name → id, learnt once per client (a bulk create names few apps)."""

    def bind(self, record: Any) -> Any:
        record.manager = self
        return record

    def new(self, **fields: Any) -> Job:
        """A job in memory, bound to this client: ``await job.save()`` creates it."""
        return self.bind(Job(**fields))

    # --- one job ---------------------------------------------------------------

    async def create(self, **fields: Any) -> Job:
        """Create one job (sent as a one-item list, as the API takes only lists).

        ``app_id`` may be the app's name; ``parameters`` are the app's arguments.

        Raises:
            BadQuery: a missing or bad field; NotFound / Conflict: an unknown or
                ambiguous app name.
        """
        (job,) = await self.bulk_create([fields])
        return job

    async def save(self, job: Job) -> Job:
        """Create a new job, or send the fields changed since it was read; then re-read it."""
        self.bind(job)
        if job.id is None:
            await self.bulk_create([job])
            return job
        changes = job.dirty()
        if changes:
            patch = check_update(changes)
            await self.client.request(
                "PUT", f"{JOBS.path}{job.id}", json=patch, operation=f"update job {job.id}"
            )
        return await self.refresh(job)

    async def refresh(self, job: Job) -> Job:
        """Read a job again; its fields take the server's values.

        Raises:
            BadQuery: the job was never saved.
            NotFound: it is no longer there.
        """
        if job.id is None:
            raise BadQuery("this job has not been saved yet")
        row = await self.client.request(
            "GET", f"{JOBS.path}{job.id}", operation=f"read job {job.id}"
        )
        job.reload(row)
        return self.bind(job)

    async def delete_job(self, job: Job) -> None:
        """Delete one job; its ``id`` becomes ``None``.

        Raises:
            NotFound: it is no longer there.
        """
        if job.id is None:
            raise BadQuery("this job has not been saved yet")
        await self.delete_one(job.id)
        job.id = None

    # --- bulk create ------------------------------------------------------------

    async def bulk_create(self, items: Sequence[Mapping[str, Any] | Job]) -> list[Job]:
        """Create jobs in chunks of 5000 (``POST /jobs/``, never retried: it is not idempotent).

        Args:
            items: Job bodies or in-memory ``Job`` objects (which get their ids);
                ``app_id`` may be an app name.

        Returns:
            The created jobs, in order.

        Raises:
            BadQuery: a body lacks a workdir or an app, has a bad field, or repeats a workdir.
            ReadOnlyRefused: the profile is read-only.
        """
        self.client.check_writable("create jobs")
        bodies = [await self._body(item) for item in items]
        workdirs = [body["workdir"] for body in bodies]
        if len(set(workdirs)) != len(workdirs):
            raise BadQuery("workdirs must be unique within one bulk create")
        created: list[Job] = []
        for chunk in chunks(bodies, MAX_ITEMS_PER_BULK_OP):
            rows = await self.client.request(
                "POST", JOBS.path, json=list(chunk), operation="create jobs"
            )
            if not isinstance(rows, list) or len(rows) != len(chunk):
                raise Unavailable("the Balsam API did not return the created jobs")
            created.extend(self._record(row, "create jobs") for row in rows)
        for item, job in zip(items, created):
            if isinstance(item, Job):
                item.reload(job.raw)
                self.bind(item)
        return [item if isinstance(item, Job) else job for item, job in zip(items, created)]

    async def _body(self, item: Mapping[str, Any] | Job) -> dict[str, Any]:
        if isinstance(item, Job):
            fields = {k: v for k, v in item.values().items() if k in CREATE and _set(k, v)}
        else:
            fields = dict(item)
        app = fields.get("app_id")
        if isinstance(app, str) and not app.strip().isdigit():
            fields["app_id"] = await self._app_named(app.strip())
        return check_create(fields)

    async def _app_named(self, name: str) -> int:
        if name not in self._app_ids:
            self._app_ids[name] = await app_id(self.client, name, None)
        return self._app_ids[name]

    # --- bulk changes -------------------------------------------------------------

    async def update_query(self, query: Query, fields: Mapping[str, Any]) -> BulkReport:
        """Apply one change to every job the query matches, by id.

        Jobs already as asked are left out; the report comes from reading the
        jobs again (see ``BulkReport``).

        Raises:
            BadQuery: no filter reaches the wire (that would be every job), or a bad field.
            ReadOnlyRefused: the profile is read-only (nothing is sent).
        """
        patch = check_update(fields)
        self.client.check_writable("update jobs")
        start = self.client.requests_sent
        jobs = await self._selected(query, "update")
        todo = [job for job in jobs if not already(job, patch)]
        return await self._change(todo, {j.id: patch for j in todo}, len(jobs), start)  # type: ignore[misc]

    async def update_ids(self, ids: Sequence[int], fields: Mapping[str, Any]) -> BulkReport:
        """Apply one change to the jobs with these ids (see ``update_query``)."""
        return await self.update_query(self.filter(id=list(ids)), fields)

    async def bulk_update(self, items: Sequence[Mapping[str, Any] | Job]) -> BulkReport:
        """Apply a different change to each job (``PATCH /jobs/``), then read them again.

        Args:
            items: ``{"id": ..., field: value}`` dicts, or ``Job`` objects changed in
                memory (their changed fields are sent).

        Raises:
            BadQuery: an item without an id, a repeated id, or a bad field.
        """
        self.client.check_writable("update jobs")
        patches = _patches(items)
        start = self.client.requests_sent
        current = await self._read_ids(list(patches))
        todo, sent = [], {}
        for job_id, patch in patches.items():
            job = current.get(job_id)
            trimmed = _trim(job, patch) if job is not None else None
            if job is not None and trimmed:
                todo.append(job)
                sent[job_id] = trimmed
        report = await self._change(todo, sent, len(current), start)
        return _with_gone(report, len(patches) - len(current))

    async def delete_query(self, query: Query) -> BulkReport:
        """Delete every job the query matches, by id; jobs held by a launcher are kept.

        Raises:
            BadQuery: no filter reaches the wire (that would delete every job).
        """
        self.client.check_writable("delete jobs")
        start = self.client.requests_sent
        ids = [job.id for job in await self._selected(query, "delete") if job.id is not None]
        for chunk in chunks(ids, FILTER_CHUNK_SIZE):
            params = [("id", str(i)) for i in chunk]
            await self.client.request("DELETE", JOBS.path, params=params, operation="delete jobs")
        left = await self._read_ids(ids)
        requests = self.client.requests_sent - start
        kept = {"": len(left)} if left else {}
        return BulkReport(len(ids), len(ids), len(ids) - len(left), 0, requests, kept=kept)

    async def delete_ids(self, ids: Sequence[int]) -> BulkReport:
        """Delete the jobs with these ids (see ``delete_query``)."""
        return await self.delete_query(self.filter(id=list(ids)))

    async def retry(self, query: Query) -> BulkReport:
        """Move the query's failed, errored and timed-out jobs to ``RESTART_READY``."""
        return await self.update_query(
            query.filter(state=_retryable(query)), {"state": "RESTART_READY"}
        )

    async def add_tags(self, query: Query, tags: Mapping[str, str]) -> BulkReport:
        """Merge ``tags`` into the tags of every job the query matches."""
        check_update({"tags": dict(tags)})
        self.client.check_writable("tag jobs")
        start = self.client.requests_sent
        jobs = await self._selected(query, "tag")
        todo = [j for j in jobs if any(j.tags.get(k) != v for k, v in tags.items())]
        patches = {j.id: {"tags": {**j.tags, **tags}} for j in todo}
        return await self._change(todo, patches, len(jobs), start)  # type: ignore[arg-type]

    # --- the steps every bulk change takes --------------------------------------------

    async def _selected(self, query: Query, verb: str) -> list[Job]:
        """The jobs a bulk change is about, read now (never a cached evaluation)."""
        if query.is_empty():
            return []
        if not query.sliced and not query.params():
            raise BadQuery(f"refusing to {verb} every job: add a filter")
        return await query.fresh().all()

    async def _change(
        self,
        todo: list[Job],
        patches: Mapping[int, Mapping[str, Any]],
        matched: int,
        start: int,
    ) -> BulkReport:
        try:
            answered: int | None = await self._send(todo, patches) if todo else 0
        except Unavailable as exc:
            # The change may have been made before the reply was lost: say what is so.
            report = await self._reread(todo, patches, matched, start, None)
            raise Unavailable(
                f"{exc.message}; read again afterwards: {report.describe()}",
                operation=exc.operation,
            ) from exc
        return await self._reread(todo, patches, matched, start, answered)

    async def _reread(
        self,
        todo: list[Job],
        patches: Mapping[int, Mapping[str, Any]],
        matched: int,
        start: int,
        answered: int | None,
    ) -> BulkReport:
        after = await self._read_ids([j.id for j in todo if j.id is not None])
        requests = self.client.requests_sent - start
        return compare(
            todo, after, patches, matched=matched, requests=requests, answered=answered
        )

    async def _send(self, todo: list[Job], patches: Mapping[int, Mapping[str, Any]]) -> int:
        """``PATCH /jobs/`` in calls of 5000 whose items all carry the same keys.

        The real server fails with 500 when the items of one call differ in keys.
        """
        groups: dict[frozenset[str], list[dict[str, Any]]] = {}
        for job in todo:
            assert job.id is not None
            item = {"id": job.id, **patches[job.id]}
            groups.setdefault(frozenset(item), []).append(item)
        answered = 0
        for group in groups.values():
            for chunk in chunks(group, MAX_ITEMS_PER_BULK_OP):
                answered += await self._patch(list(chunk))
        return answered

    async def _patch(self, items: list[dict[str, Any]]) -> int:
        try:
            result = await self.client.request(
                "PATCH", JOBS.path, json=items, operation="update jobs"
            )
        except BadQuery as exc:
            if "find some job ids" not in exc.message.lower():
                raise
            # A job was deleted since it was read: send the call again without it.
            still = await self._read_ids([i["id"] for i in items])
            kept = [i for i in items if i["id"] in still]
            if not kept:
                return 0
            result = await self.client.request(
                "PATCH", JOBS.path, json=kept, operation="update jobs"
            )
        if isinstance(result, bool) or not isinstance(result, int):
            raise Unavailable("the Balsam API did not answer with a count", operation="update jobs")
        return result

    async def _read_ids(self, ids: Sequence[int]) -> dict[int, Job]:
        if not ids:
            return {}
        return {job.id: job for job in await self.filter(id=list(ids)).all()}


def _set(name: str, value: Any) -> bool:
    """Whether an in-memory job's field was given (defaults are left to the server)."""
    return value not in (None, "", {}, []) or name == "app_id"


def _patches(items: Sequence[Mapping[str, Any] | Job]) -> dict[int, dict[str, Any]]:
    patches: dict[int, dict[str, Any]] = {}
    for item in items:
        if isinstance(item, Job):
            job_id, fields = item.id, item.dirty()
        else:
            fields = {k: v for k, v in item.items() if k != "id"}
            job_id = item.get("id")
        if not isinstance(job_id, int) or isinstance(job_id, bool) or job_id in patches:
            raise BadQuery("every item needs a distinct integer id")
        if fields:
            patches[job_id] = check_update(fields)
    return patches


def _trim(job: Job, patch: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an item that changes something: nothing when the job is already so."""
    if already(job, patch):
        return {}
    if "state" in patch and job.state == patch["state"]:
        patch = {k: v for k, v in patch.items() if k not in STATE_KEYS}
    return dict(patch) if not already(job, patch) else {}


def _with_gone(report: BulkReport, missing: int) -> BulkReport:
    """Count ids that were no longer there when the change started."""
    return replace(report, gone=report.gone + missing) if missing else report


def _retryable(query: Query) -> tuple[str, ...]:
    asked = query.filters.get("state")
    wanted = set(asked) & RETRYABLE_STATES if asked else RETRYABLE_STATES
    return tuple(sorted(wanted))
