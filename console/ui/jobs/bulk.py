"""Bulk actions of the Jobs pane: count what an action touches, ask, then do it and report.

The count shown in the confirmation is what the server says matches right
now, for the marked jobs or for the whole current filter. The report is what a
read of the jobs afterwards shows (``8 requested, 0 changed: the server kept
them in STAGED_IN``), never the server's own count.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.backends.balsam import RETRYABLE_STATES, BalsamClient, Query, parse_tag
from console.ui.jobs.forms import read_fields

VERBS = {
    "retry": "retried",
    "state": "changed",
    "fields": "changed",
    "tag": "tagged {value}",
    "delete": "deleted",
}
TITLES = {
    "retry": "Retry jobs",
    "state": "Set job state",
    "fields": "Set job fields",
    "tag": "Tag jobs",
    "delete": "Delete jobs",
}
ACTIONS = {
    "retry": "Retry",
    "state": "Set state",
    "fields": "Set",
    "tag": "Tag",
    "delete": "Delete",
}


@dataclass(frozen=True)
class BulkPlan:
    """One bulk action, counted and ready to confirm."""

    action: str
    """``retry``, ``state``, ``fields``, ``tag`` or ``delete``."""
    value: str | None
    query: Query
    count: int
    scope: str
    """Which jobs, in words: ``"3 marked jobs"`` or ``"jobs matching state=FAILED"``."""

    def question(self) -> str:
        """The confirmation text, naming the count."""
        what = {
            "retry": f"Retry {self.count} failed, errored or timed-out jobs",
            "state": f"Set {self.count} jobs to {self.value}",
            "fields": f"Set {self.value} on {self.count} jobs",
            "tag": f"Tag {self.count} jobs with {self.value}",
            "delete": f"Delete {self.count} jobs",
        }[self.action]
        note = " Jobs held by a running launcher are kept." if self.action == "delete" else ""
        return f"{what} ({self.scope})?{note}"

    def verb(self) -> str:
        """Past tense for the report: ``"set to RUNNING"``."""
        return VERBS[self.action].format(value=self.value)


async def plan(
    client: BalsamClient, action: str, value: str | None, query: Query, scope: str
) -> BulkPlan:
    """Check the action can run here and count the jobs it would touch.

    Raises:
        ReadOnlyRefused: the profile is read-only (nothing is sent).
        BadQuery: a malformed tag or state.
    """
    client.check_writable(TITLES[action].lower())
    if action == "tag":
        parse_tag(value or "")
    if action == "fields":
        read_fields(value or "")
    if action == "retry":
        asked = query.filters.get("state")
        states = sorted(set(asked) & RETRYABLE_STATES if asked else RETRYABLE_STATES)
        counted = (
            await query.filter(state=tuple(states)).count()
            if not query.sliced
            else await query.count()
        )
    elif action == "state" and not query.sliced and "state__ne" not in query.filters:
        counted = await query.filter(state__ne=value).count()
    else:
        counted = await query.count()
    return BulkPlan(action, value, query, counted, scope)


async def execute(client: BalsamClient, chosen: BulkPlan) -> str:
    """Run a confirmed plan; return what happened in one sentence."""
    if chosen.action == "retry":
        report = await client.jobs.retry(chosen.query)
    elif chosen.action == "state":
        report = await chosen.query.update(state=chosen.value)
    elif chosen.action == "fields":
        report = await chosen.query.update(**read_fields(chosen.value or ""))
    elif chosen.action == "tag":
        key, value = parse_tag(chosen.value or "")
        report = await client.jobs.add_tags(chosen.query, {key: value})
    else:
        report = await chosen.query.delete()
    return report.describe(chosen.verb())
