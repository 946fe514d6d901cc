"""Jobs since last look: the change in job counts per state, new failures first.

A look keeps the counts per state of each group the summary table shows ("All",
each ``@site``, each app), at most ``GROUPS`` of them: a few KB, whatever the
number of jobs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.backends.balsam import JOB_STATES
from console.lastlook.words import summary

ALL = "All"
"""The group counting every job."""
FAILURES = ("RUN_ERROR", "RUN_TIMEOUT", "FAILED")
"""States that mean a job went wrong: an increase is called out as new failures."""
GROUPS = 200
"""Groups a look keeps ("All" first, then sites and apps in the table's order)."""

Groups = dict[str, dict[str, int]]
"""Group label → state → jobs."""


def to_data(groups: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """The JSON form ``last_look.save`` stores (bounded to ``GROUPS`` groups)."""
    kept = list(groups.items())[:GROUPS]
    return {"groups": {label: dict(counts) for label, counts in kept}}


def from_data(data: Mapping[str, Any]) -> Groups | None:
    """Read a stored look; ``None`` when it has no usable "All" counts."""
    groups = data.get("groups")
    if not isinstance(groups, dict):
        return None
    read: Groups = {}
    for label, counts in groups.items():
        if isinstance(counts, dict):
            read[str(label)] = {s: n for s, n in counts.items() if isinstance(n, int)}
    return read if ALL in read else None


def deltas(before: Mapping[str, int], now: Mapping[str, int]) -> dict[str, int]:
    """The states whose count changed, in the order jobs move through them."""
    changed = {state: now.get(state, 0) - before.get(state, 0) for state in JOB_STATES}
    return {state: change for state, change in changed.items() if change}


def new_failures(before: Mapping[str, int], now: Mapping[str, int]) -> int:
    """Jobs that reached a failure state since (a state that shrank counts as none)."""
    return sum(max(0, now.get(s, 0) - before.get(s, 0)) for s in FAILURES)


def signed(change: int) -> str:
    """``+5`` or ``\N{MINUS SIGN}30`` (a real minus sign, as the summary reads)."""
    return f"+{change}" if change > 0 else f"\N{MINUS SIGN}{-change}"


def jobs_summary(before: Mapping[str, int], now: Mapping[str, int], age: float, *,
                 hint: str = "") -> str:
    """``Since last look (2 h ago): ⚠ 5 new failures, +5 FAILED, \N{MINUS SIGN}30 RUNNING``.

    Empty when no count changed.
    """
    failed = new_failures(before, now)
    alarm = f"⚠ {failed} new failure{'s' if failed != 1 else ''}" if failed else ""
    moves = [f"{signed(change)} {state}" for state, change in deltas(before, now).items()]
    return summary(age, [alarm, *moves], hint=hint)
