"""Job counts by state for every app of every site: the Jobs pane's summary.

The API has no group-by, so the summary asks ``count()`` (``limit=0``) once per
app and state, a few at a time, and never fetches a job row. Filters the API
takes on every count (states, tags, the app) narrow the groups the same way.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.backends.balsam.models import JOB_STATES, App, Site

if TYPE_CHECKING:
    from console.backends.balsam.client import BalsamClient

CONCURRENCY = 8
"""Count requests in flight at once: enough to hide latency, few enough to be polite."""


@dataclass
class StateCounts:
    """Counts of jobs by app and state at one moment."""

    sites: list[Site]
    apps: list[App]
    counts: dict[int, dict[str, int]]
    """App id → state → jobs."""
    taken_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    def by_state(self, app_ids: set[int] | None = None) -> dict[str, int]:
        """Total per state over the given apps (all apps by default)."""
        totals = dict.fromkeys(JOB_STATES, 0)
        for app_id, states in self.counts.items():
            if app_ids is None or app_id in app_ids:
                for state, n in states.items():
                    totals[state] = totals.get(state, 0) + n
        return totals

    def apps_of(self, site_id: int) -> set[int]:
        """Ids of the apps registered at one site."""
        return {app.id for app in self.apps if app.site_id == site_id}

    def by_group(self, by: str) -> dict[str, dict[str, int]]:
        """Totals per state for each ``site``, each ``app``, or overall (``state``)."""
        if by == "site":
            return {s.name: self.by_state(self.apps_of(s.id)) for s in self.sites}
        if by == "app":
            sites = {s.id: s.name for s in self.sites}
            return {
                f"{sites.get(a.site_id, a.site_id)}/{a.name}": self.by_state({a.id})
                for a in self.apps
            }
        return {"all": self.by_state()}

    def total(self) -> int:
        """Every job counted."""
        return sum(self.by_state().values())


def delta(now: Mapping[str, int], before: Mapping[str, int] | None) -> dict[str, int]:
    """Change per state since an earlier look (zero everywhere without one)."""
    if before is None:
        return dict.fromkeys(now, 0)
    return {state: n - before.get(state, 0) for state, n in now.items()}


async def summarise(
    client: BalsamClient,
    site_id: int | None = None,
    *,
    states: Sequence[str] = JOB_STATES,
    tags: Mapping[str, str] | None = None,
    app_ids: Collection[int] | None = None,
) -> StateCounts:
    """Count jobs by app and state, optionally narrowed the way the API can filter.

    Args:
        client: The Balsam client.
        site_id: Only this site's apps.
        states: Only these states (the others count as zero).
        tags: Only jobs carrying all these tags (sent with every count).
        app_ids: Only these apps (the others are left out of the result).

    Raises:
        ConsoleError: a subclass matching the failure.
    """
    sites = await (client.sites.filter(id=[site_id]) if site_id else client.sites.all()).all()
    apps_query = client.apps.filter(site_id=[s.id for s in sites]) if sites else None
    apps = await apps_query.all() if apps_query is not None else []
    if app_ids is not None:
        apps = [a for a in apps if a.id in app_ids]
    narrow = {"tags": dict(tags)} if tags else {}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(app_id: int, state: str) -> tuple[int, str, int]:
        async with gate:
            query = client.jobs.filter(app_id=app_id, state=state, **narrow)
            return app_id, state, await query.count()

    found = await asyncio.gather(*(one(a.id, s) for a in apps for s in states))
    counts: dict[int, dict[str, int]] = {a.id: {} for a in apps}
    for app_id, state, n in found:
        counts[app_id][state] = n
    return StateCounts(list(sites), list(apps), counts)


async def state_totals(client: BalsamClient) -> StateCounts:
    """Count jobs by state over everything: 14 quick requests, shown before the full summary."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(state: str) -> int:
        async with gate:
            return await client.jobs.filter(state=state).count()

    found = await asyncio.gather(*(one(s) for s in JOB_STATES))
    return StateCounts([], [], {0: dict(zip(JOB_STATES, found))})
