"""What each Balsam collection accepts: its path, filters and orderings (protocol §6).

Filters are checked here, before any request, so a typo reaches the operator as
a clear message instead of being silently ignored by the server (it drops
unknown parameters, ``KEY`` tags without a colon, and falsy values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from console.backends.balsam.models import (
    BATCH_JOB_STATES,
    JOB_STATES,
    TRANSFER_STATES,
    App,
    BatchJob,
    EventLog,
    Job,
    Site,
    TransferItem,
)
from console.errors import BadQuery

Params = list[tuple[str, str]]
"""Query parameters in order, keys repeated for lists (``state=A&state=B``)."""


@dataclass(frozen=True)
class Resource:
    """One collection of the API.

    Attributes:
        name: Singular noun used in messages (``job``).
        path: Collection path with its trailing slash (``/jobs/``).
        model: Record class built from each row.
        filters: Filter name → kind (``int``, ``ints``, ``str``, ``strs``, ``tags``,
            ``time``, ``bool``, or ``enum:<STATE,...>`` lists).
        orderings: Accepted ``ordering`` values.
        paged: Whether the collection takes ``limit``/``offset``.
    """

    name: str
    path: str
    model: type[Any]
    filters: Mapping[str, str]
    orderings: tuple[str, ...] = ()
    paged: bool = True


def _enum(values: Iterable[str]) -> str:
    return "enum:" + ",".join(values)


def _both(*fields: str) -> tuple[str, ...]:
    return tuple(x for f in fields for x in (f, f"-{f}"))


JOBS = Resource(
    "job",
    "/jobs/",
    Job,
    {
        "id": "ints",
        "parent_id": "ints",
        "app_id": "int",
        "site_id": "ints",
        # No ``batch_job_id``: the real server (0.7.0a24) does not declare it on /jobs/,
        # so it would filter nothing and a write by it would change every job (§8).
        "last_update_before": "time",
        "last_update_after": "time",
        "workdir__contains": "str",
        "state": _enum(JOB_STATES),
        "state__ne": _enum(JOB_STATES) + ":single",
        "tags": "tags",
        "pending_file_cleanup": "bool",
    },
    _both("last_update", "id", "state", "workdir"),
)
SITES = Resource(
    "site",
    "/sites/",
    Site,
    {"name": "str", "path": "str", "id": "ints", "last_refresh_after": "time"},
)
APPS = Resource(
    "app",
    "/apps/",
    App,
    {"site_id": "ints", "id": "ints", "name": "str", "site_path": "str", "site_name": "str"},
)
BATCH_JOBS = Resource(
    "batch job",
    "/batch-jobs/",
    BatchJob,
    {
        "id": "ints",
        "site_id": "ints",
        "state": _enum(BATCH_JOB_STATES),
        "scheduler_id": "int",
        "queue": "str",
        "start_time_before": "time",
        "start_time_after": "time",
        "end_time_before": "time",
        "end_time_after": "time",
        "filter_tags": "tags",
    },
    _both("start_time"),
)
EVENTS = Resource(
    "event",
    "/events/",
    EventLog,
    {
        "id": "ints",
        "job_id": "ints",
        "batch_job_id": "int",
        "scheduler_id": "int",
        "tags": "tags",
        "data": "tags",
        "timestamp_before": "time",
        "timestamp_after": "time",
        "from_state": _enum(JOB_STATES) + ":single",
        "to_state": _enum(JOB_STATES) + ":single",
    },
    _both("timestamp"),
)
TRANSFERS = Resource(
    "transfer item",
    "/transfers/",
    TransferItem,
    {
        "id": "ints",
        "site_id": "int",
        "job_id": "ints",
        "state": _enum(TRANSFER_STATES),
        "direction": "enum:in,out:single",
        "job_state": _enum(JOB_STATES) + ":single",
        "tags": "tags",
    },
)


UNDECLARED = {("job", "batch_job_id"): "the server ignores it on /jobs/ (it would match every job)"}
"""Filters the API documents but the server does not honour, and what that would do."""


def check_filters(resource: Resource, filters: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise filters for ``resource``.

    Returns:
        Filter name → normalised value: a tuple for lists, a dict for tags.

    Raises:
        BadQuery: an unknown name, a value of the wrong kind, or a value the
            server would silently ignore.
    """
    clean: dict[str, Any] = {}
    for name, value in filters.items():
        kind = resource.filters.get(name)
        why = UNDECLARED.get((resource.name, name))
        if why:
            raise BadQuery(f"cannot filter {resource.name}s by '{name}': {why}")
        if kind is None:
            known = ", ".join(sorted(resource.filters))
            raise BadQuery(f"unknown {resource.name} filter '{name}' (known: {known})")
        clean[name] = _normalise(resource.name, name, kind, value)
    return clean


def _normalise(what: str, name: str, kind: str, value: Any) -> Any:
    if kind == "tags":
        return _tags(name, value)
    if kind.startswith("enum:"):
        return _enum_value(name, kind, value)
    if kind in ("ints", "strs"):
        values = _as_list(value)
        return tuple(_scalar(name, kind[:-1], v) for v in values)
    return _scalar(name, kind, value)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    return [value]


def _enum_value(name: str, kind: str, value: Any) -> Any:
    allowed = kind.split(":")[1].split(",")
    single = kind.endswith(":single")
    values = [value] if single else _as_list(value)
    for item in values:
        if item not in allowed:
            raise BadQuery(f"'{item}' is not a valid {name} (one of: {', '.join(allowed)})")
    return values[0] if single else tuple(values)


def _scalar(name: str, kind: str, value: Any) -> Any:
    if kind == "int":
        if isinstance(value, bool) or not _intlike(value):
            raise BadQuery(f"filter '{name}' needs a whole number, not {value!r}")
        if int(value) <= 0:
            raise BadQuery(f"filter '{name}' needs a positive number (the server ignores {value})")
        return int(value)
    if kind == "bool":
        if value is not True:
            raise BadQuery(f"filter '{name}' can only be true (the server ignores false)")
        return True
    if kind == "time":
        return _time(name, value)
    if not isinstance(value, str) or not value:
        raise BadQuery(f"filter '{name}' needs a non-empty text value")
    return value


def _intlike(value: Any) -> bool:
    if isinstance(value, int):
        return True
    return isinstance(value, str) and value.strip().isdigit()


def _time(name: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, str):
        try:
            return _time(name, dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            pass
    raise BadQuery(f"filter '{name}' needs an ISO 8601 time, not {value!r}")


def _tags(name: str, value: Any) -> dict[str, str]:
    if isinstance(value, str):
        value = dict([parse_tag(value)])
    if not isinstance(value, Mapping):
        raise BadQuery(f"filter '{name}' needs a mapping of KEY to VALUE")
    tags: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key or ":" in key:
            raise BadQuery(f"tag key {key!r} must be non-empty text without ':'")
        tags[key] = str(item)
    return tags


def parse_tag(text: str) -> tuple[str, str]:
    """Split ``KEY:VALUE`` at the first colon, as the server does.

    Raises:
        BadQuery: there is no colon or the key is empty (the server would drop it).
    """
    key, sep, value = text.partition(":")
    if not sep or not key:
        raise BadQuery(f"tag '{text}' must look like KEY:VALUE")
    return key, value


def to_params(filters: Mapping[str, Any]) -> Params:
    """Encode normalised filters as repeated-key query parameters."""
    params: Params = []
    for name, value in filters.items():
        if isinstance(value, dict):
            params.extend((name, f"{k}:{v}") for k, v in value.items())
        elif isinstance(value, tuple):
            params.extend((name, str(v)) for v in value)
        elif isinstance(value, bool):
            params.append((name, "true" if value else "false"))
        else:
            params.append((name, str(value)))
    return params


def merge_filters(current: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """Combine two filter sets: tags accumulate; other names take the newer value."""
    merged = dict(current)
    for name, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = {**merged[name], **value}
        else:
            merged[name] = value
    return merged


def write_scope(resource: Resource, params: Params) -> Params:
    """Check the parameters of a write by filter before it is sent; return them.

    The server applies a ``PUT`` or ``DELETE`` to every row its declared filters
    match, and ignores the rest: a write with no filter, or with only filters the
    route does not declare, changes every row (§8).

    Raises:
        BadQuery: no filter reaches the wire, or a parameter is not a declared filter.
    """
    names = [name for name, _ in params]
    unknown = sorted({n for n in names if n not in resource.filters})
    if unknown:
        raise BadQuery(
            f"refusing to write {resource.name}s by '{', '.join(unknown)}': the server "
            "ignores it and the write would reach every row"
        )
    if not names:
        raise BadQuery(f"refusing to change every {resource.name}: the write carries no filter")
    return params
