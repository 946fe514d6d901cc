"""The Jobs pane's "since last look": the counts the operator last saw, kept per profile.

The look is the counts per state of every group of the summary table. It is what
the table's ``+3`` / ``-2`` are measured against and what the line above it sums up
(new failures first). It is taken when the operator leaves the pane (another tab,
another profile, quitting) or presses ``z``: a refresh nobody watched is not a look.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from console.backends.balsam import StateCounts
from console.lastlook.jobs import ALL, Groups, from_data, jobs_summary, to_data
from console.profiles import last_look

PANE = "jobs"


def groups_of(counts: StateCounts) -> Groups:
    """Counts per state for "All", each ``@site`` and each app: the summary's columns."""
    groups: Groups = {ALL: counts.by_state()}
    for site in counts.sites:
        groups[f"@{site.name}"] = counts.by_state(counts.apps_of(site.id))
    for app in counts.apps:
        groups[app.name] = counts.by_state({app.id})
    return groups


class JobsSince:
    """The last look (``baseline``) and the counts shown since (``seen``).

    Args:
        profile: The profile's name (two profiles never share a look).
    """

    def __init__(self, profile: str) -> None:
        self.profile = profile
        self.baseline: Groups | None = None
        """The counts at the last look: changes are shown against these."""
        self.taken_at: float | None = None
        """When the last look was taken; ``None`` until there is one to speak of."""
        self.seen: Groups | None = None
        """The latest full counts shown (what a look taken now would keep)."""

    def load(self) -> None:
        """Read the profile's last look (blocking: a small file)."""
        stored = last_look.load(self.profile, PANE)
        groups = from_data(stored.data) if stored is not None else None
        if stored is not None and groups is not None:
            self.baseline, self.taken_at = groups, stored.taken_at

    def shown(self, groups: Mapping[str, Mapping[str, int]]) -> str:
        """Counts are on screen: return the summary line (empty when nothing changed).

        The very first counts of a profile become the baseline, with no summary.
        """
        self.seen = {label: dict(counts) for label, counts in groups.items()}
        if self.baseline is None:
            self.baseline = self.seen
        if self.taken_at is None:
            return ""
        age = time.time() - self.taken_at
        return jobs_summary(self.baseline[ALL], self.seen[ALL], age, hint="z: seen")

    def mark_seen(self) -> None:
        """What is on screen counts as seen: changes are measured from it from now on."""
        if self.seen is not None:
            self.baseline, self.taken_at = self.seen, time.time()

    def save(self) -> None:
        """Keep the counts last shown as the profile's last look (blocking: a file write).

        A write that fails is dropped: the next open reports since the older look.
        """
        if self.seen is None:
            return
        try:
            last_look.save(self.profile, PANE, to_data(self.seen))
        except (OSError, ValueError):
            return
