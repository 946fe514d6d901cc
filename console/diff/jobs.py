"""The same jobs summary on two Balsam sites: each count by state, overall, per site, per app.

The summary is small (14 states for each group), so it is kept whole: equal
counts are shown beside the differing ones, and each differing count carries
its change (``b - a``). A site or app only one side has is only on that side.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from console.backends.balsam import JOB_STATES, StateCounts, summarise
from console.clients import Clients
from console.diff.model import Comparison
from console.diff.sides import on_side, side_of
from console.diff.tally import DEFAULT_LIMIT, Tally

COLUMNS = ["group", "state", "jobs"]
ALL = "all"
MATCHED_BY = "group and state (@site, app: by name)"

Table = dict[str, Mapping[str, int]]


def groups(counts: StateCounts) -> Table:
    """Counts by state for ``all``, each ``@site`` and each ``site/app``, in that order."""
    table: Table = {ALL: counts.by_state()}
    table.update({f"@{site}": n for site, n in counts.by_group("site").items()})
    table.update(counts.by_group("app"))
    return table


def short_names(names: list[str]) -> dict[str, str]:
    """``site/app`` → ``app`` where no other group would read the same (narrow screens)."""
    tails = [name.rpartition("/")[2] for name in names]
    return {name: tail if "/" in name and tails.count(tail) == 1 and tail not in names
            else name for name, tail in zip(names, tails)}


async def _summary(clients: Clients) -> StateCounts:
    with on_side(clients.profile.name):
        return await summarise(await clients.balsam())


def _feed(tally: Tally, group: str, a: Mapping[str, int] | None,
          b: Mapping[str, int] | None) -> None:
    for state in JOB_STATES:
        mine = a.get(state, 0) if a is not None else None
        theirs = b.get(state, 0) if b is not None else None
        key = (group, state)
        if mine is not None and theirs is not None:
            if mine or theirs or group == ALL:  # empty states of a site or app are noise
                tally.pair(key, (group, state, mine), (group, state, theirs))
        elif mine:
            tally.only_in_a(key, (group, state, mine))
        elif theirs:
            tally.only_in_b(key, (group, state, theirs))


async def compare_jobs(a: Clients, b: Clients, *, limit: int = DEFAULT_LIMIT) -> Comparison:
    """Compare the jobs summary of both profiles' Balsam sites.

    Raises:
        ConsoleError: a side failed (its ``profile`` says which).
    """
    found = await asyncio.gather(_summary(a), _summary(b))
    table_a, table_b = groups(found[0]), groups(found[1])
    names = [*table_a, *(g for g in table_b if g not in table_a)]
    label = short_names(names)
    tally = Tally(max(limit, len(names) * len(JOB_STATES)), keep_same=True, ordered=True)
    notes = []
    for group in names:
        mine, theirs = table_a.get(group), table_b.get(group)
        if mine is None or theirs is None:
            where = a.profile.name if theirs is None else b.profile.name
            notes.append(f"{label[group]} only on {where}")
        _feed(tally, label[group], mine, theirs)
    comparison = Comparison("jobs-summary", "jobs by state, site and app", side_of(a), side_of(b),
                            list(COLUMNS), [0, 1], MATCHED_BY, notes=notes)
    return tally.into(comparison)
