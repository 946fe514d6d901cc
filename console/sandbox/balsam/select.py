"""Which rows a list request matches, in the order the server returns them.

Jobs start from the (app, state) index and only then test the remaining
filters row by row; results are cached per query string until the store
changes, so paging through 200,000 jobs does not re-sort them for every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.sandbox.balsam.params import Params
from console.sandbox.balsam.store import JOB_STATES, Store, stamp

JOB_ORDERINGS = (
    "last_update",
    "-last_update",
    "id",
    "-id",
    "state",
    "-state",
    "workdir",
    "-workdir",
)
Predicate = Callable[[dict[str, Any]], bool]


class JobSelector:
    """Selects job ids for the ``/jobs/`` routes, with a small result cache."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[tuple[Any, ...], tuple[int, list[int]]] = {}

    def count_fast(self, p: Params) -> int | None:
        """Answer a count from the index alone when only app, site and state filter."""
        used = {k for k in p.query if k not in ("limit", "offset", "ordering")}
        if not used <= {"app_id", "site_id", "state"}:
            return None
        apps = self._apps(p)
        states = p.enums("state", JOB_STATES)
        p.check()
        return self.store.count(apps, states)

    def ids(self, p: Params, ordering: str | None) -> list[int]:
        """Every matching id, ordered by ``ordering`` then id."""
        key = tuple(
            sorted((k, v) for k, v in p.query.multi_items() if k not in ("limit", "offset"))
        )
        cached = self._cache.get(key)
        if cached and cached[0] == self.store.version:
            return cached[1]
        ids = self._select(p, ordering)
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = (self.store.version, ids)
        return ids

    def _apps(self, p: Params) -> list[int] | None:
        app_id = p.int("app_id")
        site_ids = p.ints("site_id")
        apps = None if app_id is None else [app_id]
        if site_ids is not None:
            at_sites = [a for a, row in self.store.apps.items() if row["site_id"] in site_ids]
            apps = at_sites if apps is None else [a for a in apps if a in at_sites]
        return apps

    def _select(self, p: Params, ordering: str | None) -> list[int]:
        store = self.store
        apps = self._apps(p)
        states = p.enums("state", JOB_STATES)
        ids_filter = p.ints("id")
        tests = self._tests(p)
        p.check()
        if ids_filter is not None:
            wanted = store.job_ids(apps, states) if apps is not None or states is not None else None
            ids = [i for i in ids_filter if i in store.jobs and (wanted is None or i in wanted)]
            ids = sorted(set(ids))
        elif apps is None and states is None:
            ids = list(store.jobs)
        else:
            ids = sorted(store.job_ids(apps, states))
        if tests:
            jobs = store.jobs
            ids = [i for i in ids if all(test(jobs[i]) for test in tests)]
        if ordering and ordering.lstrip("-") != "id":
            field = ordering.lstrip("-")
            jobs = store.jobs
            ids.sort(key=lambda i: jobs[i][field], reverse=ordering.startswith("-"))
        elif ordering == "-id":
            ids.reverse()
        return ids

    def _tests(self, p: Params) -> list[Predicate]:
        tests: list[Predicate] = []
        parents = p.ints("parent_id")
        if parents is not None:
            wanted = set(parents)
            tests.append(lambda j: bool(wanted.intersection(j["parent_ids"])))
        # ``batch_job_id`` is left out on purpose: the real server (0.7.0a24) does not
        # declare it on /jobs/, so it filters nothing and a write by it hits every job.
        tests.extend(_time_tests(p, "last_update"))
        contains = p.text("workdir__contains")
        if contains:
            tests.append(lambda j: contains in j["workdir"])
        not_state = p.enum("state__ne", JOB_STATES)
        if not_state:
            tests.append(lambda j: j["state"] != not_state)
        tags = p.tags("tags")
        if tags:
            tests.append(lambda j: all(j["tags"].get(k) == v for k, v in tags.items()))
        if p.flag("pending_file_cleanup"):
            tests.append(lambda j: bool(j["pending_file_cleanup"]))
        return tests


def _time_tests(p: Params, field: str, name: str | None = None) -> list[Predicate]:
    name = name or field
    tests: list[Predicate] = []
    before = p.time(f"{name}_before")
    after = p.time(f"{name}_after")
    if before is not None:
        edge = stamp(before)
        tests.append(lambda r: bool(r.get(field)) and r[field] < edge)
    if after is not None:
        edge_after = stamp(after)
        tests.append(lambda r: bool(r.get(field)) and r[field] > edge_after)
    return tests


def _in(field: str, values: list[Any] | None) -> list[Predicate]:
    if values is None:
        return []
    wanted = set(values)
    return [lambda r: r.get(field) in wanted]


def _equals(field: str, value: Any) -> list[Predicate]:
    return [] if value is None else [lambda r: r.get(field) == value]


def site_tests(p: Params) -> list[Predicate]:
    """Filters of ``/sites/``."""
    path = p.text("path")
    tests = _in("id", p.ints("id")) + _equals("name", p.text("name"))
    if path:
        tests.append(lambda r: path in r["path"])
    return tests + _time_tests(p, "last_refresh")


def app_tests(p: Params, store: Store) -> list[Predicate]:
    """Filters of ``/apps/``."""
    tests = _in("id", p.ints("id")) + _in("site_id", p.ints("site_id"))
    tests += _equals("name", p.text("name"))
    site_path, site_name = p.text("site_path"), p.text("site_name")
    if site_path:
        tests.append(lambda r: site_path in store.sites[r["site_id"]]["path"])
    if site_name:
        tests.append(lambda r: store.sites[r["site_id"]]["name"] == site_name)
    return tests


BATCH_STATES = (
    "pending_submission",
    "queued",
    "running",
    "finished",
    "submit_failed",
    "pending_deletion",
)


def batch_job_tests(p: Params) -> list[Predicate]:
    """Filters of ``/batch-jobs/``."""
    tests = _in("id", p.ints("id")) + _in("site_id", p.ints("site_id"))
    tests += _in("state", p.enums("state", BATCH_STATES))
    tests += _equals("scheduler_id", p.int("scheduler_id")) + _equals("queue", p.text("queue"))
    tests += _time_tests(p, "start_time") + _time_tests(p, "end_time")
    tags = p.tags("filter_tags")
    if tags:
        tests.append(lambda r: all(r["filter_tags"].get(k) == v for k, v in tags.items()))
    return tests


TRANSFER_STATES = ("awaiting_job", "pending", "active", "inactive", "done", "error")


def transfer_tests(p: Params, store: Store) -> list[Predicate]:
    """Filters of ``/transfers/``."""
    tests = _in("id", p.ints("id")) + _in("job_id", p.ints("job_id"))
    tests += _in("state", p.enums("state", TRANSFER_STATES))
    tests += _equals("direction", p.enum("direction", ("in", "out")))
    site_id = p.int("site_id")
    job_state = p.enum("job_state", JOB_STATES)
    tags = p.tags("tags")
    if site_id is not None or job_state or tags:
        tests.append(lambda r: _job_matches(store, r["job_id"], site_id, job_state, tags))
    return tests


def _job_matches(
    store: Store, job_id: int, site_id: int | None, state: str | None, tags: dict[str, str]
) -> bool:
    job = store.jobs.get(job_id)
    if job is None:
        return False
    if site_id is not None and store.apps[job["app_id"]]["site_id"] != site_id:
        return False
    if state and job["state"] != state:
        return False
    return all(job["tags"].get(k) == v for k, v in tags.items())


def event_rows(p: Params, store: Store) -> list[dict[str, Any]]:
    """Events matching the ``/events/`` filters, newest first unless ``ordering`` says."""
    job_ids = p.ints("job_id")
    if job_ids is not None:
        ids = sorted({e for j in job_ids for e in store.events_by_job.get(j, ())})
        rows = [store.events[e] for e in ids]
    else:
        rows = list(store.events.values())
    tests = _in("id", p.ints("id")) + _time_tests(p, "timestamp")
    tests += _equals("from_state", p.enum("from_state", JOB_STATES))
    tests += _equals("to_state", p.enum("to_state", JOB_STATES))
    batch_job = p.int("batch_job_id")
    tags = p.tags("tags")
    data = p.tags("data")
    if batch_job is not None or tags:
        tests.append(lambda e: _event_job(store, e, batch_job, tags))
    if data:
        tests.append(lambda e: all(str(e["data"].get(k)) == v for k, v in data.items()))
    ordering = p.enum("ordering", ("timestamp", "-timestamp")) or "-timestamp"
    p.check()
    rows = [r for r in rows if all(t(r) for t in tests)]
    rows.sort(key=lambda e: e["id"])
    rows.sort(key=lambda e: e["timestamp"], reverse=ordering.startswith("-"))
    return rows


def _event_job(
    store: Store, event: dict[str, Any], batch_job: int | None, tags: dict[str, str]
) -> bool:
    job = store.jobs.get(event["job_id"])
    if job is None:
        return False
    if batch_job is not None and job["batch_job_id"] != batch_job:
        return False
    return all(job["tags"].get(k) == v for k, v in tags.items())
