"""Job filters as operators type them, shared by the CLI options and the pane's filter line.

``state=FAILED,RUN_ERROR tag=exp:A site=1 app=SimulateH2O order=-last_update``
becomes a ``JobSpec``; so do ``state!=JOB_FINISHED``, ``since=2026-01-15``,
``until=2026-01-16T12:00``, ``parent=41`` and ``workdir=h2o``. ``job_query``
resolves the app name and returns the lazy query. Bad words are reported
before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.backends.balsam.models import JOB_STATES
from console.backends.balsam.resources import JOBS, parse_tag
from console.errors import BadQuery, Conflict, NotFound

if TYPE_CHECKING:
    from console.backends.balsam.client import BalsamClient
    from console.backends.balsam.query import Query

KEYS = ("state", "tag", "site", "app", "order", "workdir", "id", "parent", "since", "until")


@dataclass
class JobSpec:
    """What to show: states, tags, site, app name, ordering, workdir substring, ids."""

    states: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    site_id: int | None = None
    app: str | None = None
    ordering: str | None = None
    workdir: str | None = None
    ids: tuple[int, ...] = ()
    parents: tuple[int, ...] = ()
    not_state: str | None = None
    since: str | None = None
    """Only jobs updated after this time (ISO 8601, UTC unless it says)."""
    until: str | None = None
    """Only jobs updated before this time."""

    def describe(self) -> str:
        """Render back as filter text (what the pane shows as the current filter)."""
        words = []
        if self.states:
            words.append("state=" + ",".join(self.states))
        words += [f"tag={k}:{v}" for k, v in self.tags.items()]
        if self.site_id:
            words.append(f"site={self.site_id}")
        if self.app:
            words.append(f"app={self.app}")
        if self.workdir:
            words.append(f"workdir={self.workdir}")
        if self.ids:
            words.append("id=" + ",".join(map(str, self.ids)))
        if self.parents:
            words.append("parent=" + ",".join(map(str, self.parents)))
        if self.not_state:
            words.append(f"state!={self.not_state}")
        if self.since:
            words.append(f"since={self.since}")
        if self.until:
            words.append(f"until={self.until}")
        if self.ordering:
            words.append(f"order={self.ordering}")
        return " ".join(words)


def parse_spec(text: str) -> JobSpec:
    """Parse ``key=value`` words: state, tag, site, app, order, workdir, id.

    Raises:
        BadQuery: an unknown key, a bad state, tag, number or ordering.
    """
    spec = JobSpec()
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise BadQuery(f"cannot read the filter: {exc}") from exc
    for word in words:
        key, sep, value = word.partition("=")
        if key == "state!" and value:
            spec.not_state = check_states([value.upper()])[0]
            continue
        if not sep or key not in KEYS or not value:
            raise BadQuery(f"'{word}' is not a filter; use {', '.join(k + '=…' for k in KEYS)}")
        _apply(spec, key, value)
    return spec


def _apply(spec: JobSpec, key: str, value: str) -> None:
    if key == "state":
        spec.states = check_states(value.upper().split(","))
    elif key == "tag":
        k, v = parse_tag(value)
        spec.tags[k] = v
    elif key == "site":
        spec.site_id = _number(key, value)
    elif key == "id":
        spec.ids = tuple(_number(key, v) for v in value.split(","))
    elif key == "parent":
        spec.parents = tuple(_number(key, v) for v in value.split(","))
    elif key in ("since", "until"):
        setattr(spec, key, check_time(key, value))
    elif key == "app":
        spec.app = value
    elif key == "workdir":
        spec.workdir = value
    else:
        if value not in JOBS.orderings:
            raise BadQuery(f"cannot order by '{value}' (one of: {', '.join(JOBS.orderings)})")
        spec.ordering = value


def check_states(states: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Return the states if each is a job state, else raise ``BadQuery`` naming the bad one."""
    for state in states:
        if state not in JOB_STATES:
            raise BadQuery(f"'{state}' is not a job state (one of: {', '.join(JOB_STATES)})")
    return tuple(states)


def check_time(key: str, value: str) -> str:
    """Return an ISO 8601 time as typed, or raise ``BadQuery`` naming the key."""
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(
            f"{key} needs a time like 2026-01-15 or 2026-01-15T12:00, not '{value}'"
        ) from None
    return value


def _number(key: str, value: str) -> int:
    if not value.isdigit() or int(value) <= 0:
        raise BadQuery(f"{key} needs a positive whole number, not '{value}'")
    return int(value)


async def job_query(client: BalsamClient, spec: JobSpec) -> Query:
    """Build the lazy query for a spec, resolving the app name to its id.

    Raises:
        NotFound: no app has that name (at that site).
        Conflict: the name is used at several sites and no site was given.
    """
    query = client.jobs.all()
    filters: dict[str, object] = {}
    if spec.states:
        filters["state"] = spec.states
    if spec.tags:
        filters["tags"] = spec.tags
    if spec.site_id:
        filters["site_id"] = (spec.site_id,)
    if spec.workdir:
        filters["workdir__contains"] = spec.workdir
    if spec.ids:
        filters["id"] = spec.ids
    if spec.parents:
        filters["parent_id"] = spec.parents
    if spec.not_state:
        filters["state__ne"] = spec.not_state
    if spec.since:
        filters["last_update_after"] = spec.since
    if spec.until:
        filters["last_update_before"] = spec.until
    if spec.app:
        filters["app_id"] = await app_id(client, spec.app, spec.site_id)
    if filters:
        query = query.filter(**filters)
    return query.order_by(spec.ordering) if spec.ordering else query


async def app_id(client: BalsamClient, name: str, site_id: int | None) -> int:
    """Return the id of the app called ``name`` (at ``site_id`` when given)."""
    query = client.apps.filter(name=name)
    if site_id:
        query = query.filter(site_id=[site_id])
    apps = await query.all()
    if not apps:
        where = f" at site {site_id}" if site_id else ""
        raise NotFound(f"no app named '{name}'{where}")
    if len(apps) > 1:
        sites = ", ".join(str(a.site_id) for a in apps)
        raise Conflict(f"app '{name}' exists at sites {sites}: name one with site=ID")
    return int(apps[0].id)
