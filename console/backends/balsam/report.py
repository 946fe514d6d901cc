"""What a bulk change of jobs really did: the jobs read again, compared with before.

The server's answer to a bulk update is the count of jobs it was sent, not of
jobs it changed: it skips jobs already in the target state, rewrites some
states (``READY`` becomes ``STAGED_IN`` when nothing is left to stage in) and,
on the real server, may apply nothing to a whole call while still logging an
event per job (protocols/balsam.md §8). So every bulk change reads the jobs it
sent again and reports what that read shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from console.backends.balsam.models import Job

NOT_COMPARED = frozenset({"state_timestamp", "state_data"})
"""Update fields that go into the state's event, not onto the job."""


@dataclass(frozen=True)
class BulkReport:
    """What a bulk change did, as a read of the jobs after it shows.

    Attributes:
        matched: Jobs the selection matched when the change started.
        requested: Jobs the change was sent for (``matched`` less ``skipped``).
        changed: Jobs the read afterwards shows changed (or gone, for a delete).
        skipped: Jobs left out before sending: already as asked.
        requests: Requests the change took, reads included.
        answered: What the server said it changed (the sum of its replies).
        target: The state asked for, when the change set one.
        kept: Sent jobs the server left as they were, by their state.
        elsewhere: Sent jobs that changed, but not to ``target``, by where they are.
        gone: Sent jobs no longer there when read again.
    """

    matched: int
    requested: int
    changed: int
    skipped: int = 0
    requests: int = 0
    answered: int | None = None
    target: str | None = None
    kept: dict[str, int] = field(default_factory=dict)
    elsewhere: dict[str, int] = field(default_factory=dict)
    gone: int = 0

    def describe(self, verb: str = "changed") -> str:
        """Say what happened in one sentence: ``8 requested, 0 changed: the server kept
        them in STAGED_IN``."""
        if self.matched == 0:
            return "No job matched; nothing was sent."
        notes = []
        if self.kept:
            notes.append(self._kept(verb))
        if self.elsewhere:
            where = ", ".join(f"{n} in {s}" for s, n in sorted(self.elsewhere.items()))
            notes.append(f"the server put {where} instead of {self.target}")
        if self.gone and verb != "deleted":
            notes.append(f"{self.gone} no longer there")
        text = f"{self.requested} requested, {self.changed} {verb}"
        if notes:
            text += (": " if self.changed == 0 else "; ") + "; ".join(notes)
        if self.skipped:
            already = f"already {self.target}" if self.target else "already as asked"
            text += f" ({self.skipped} {already}, left out)"
        return text

    def _kept(self, verb: str) -> str:
        if "" in self.kept:  # not a state change: the fields kept their old values
            n = self.kept[""]
            if verb == "deleted":
                return f"{n} still there (held by a launcher)"
            return f"{n} kept their old values"
        states = sorted(self.kept.items())
        if len(states) == 1 and states[0][1] == self.requested - self.gone:
            return f"the server kept them in {states[0][0]}"
        return "the server kept " + ", ".join(f"{n} in {s}" for s, n in states)

    def to_json(self) -> dict[str, Any]:
        """The report as plain data, for ``--json``."""
        return {
            "matched": self.matched,
            "requested": self.requested,
            "changed": self.changed,
            "skipped": self.skipped,
            "answered": self.answered,
            "target": self.target,
            "kept": dict(self.kept),
            "elsewhere": dict(self.elsewhere),
            "gone": self.gone,
            "requests": self.requests,
        }


def already(job: Job, patch: Mapping[str, Any]) -> bool:
    """Whether the job already has every value the patch sets (sending it changes nothing)."""
    compared = [k for k in patch if k not in NOT_COMPARED and k != "id"]
    return bool(compared) and all(job.raw.get(k) == patch[k] for k in compared)


def compare(
    before: Sequence[Job],
    after: Mapping[int, Job],
    patches: Mapping[int, Mapping[str, Any]],
    *,
    matched: int,
    requests: int,
    answered: int | None,
) -> BulkReport:
    """Build the report from the jobs sent (as read before) and the same jobs read after."""
    kept: Counter[str] = Counter()
    elsewhere: Counter[str] = Counter()
    changed = gone = 0
    targets = {p.get("state") for p in patches.values()}
    target = targets.pop() if len(targets) == 1 else None
    for job in before:
        assert job.id is not None
        now = after.get(job.id)
        patch = patches[job.id]
        if now is None:
            gone += 1
        elif not _differs(job, now, patch):
            kept[job.state if "state" in patch else ""] += 1
        else:
            changed += 1
            if "state" in patch and now.state != patch["state"]:
                elsewhere[now.state] += 1
    return BulkReport(
        matched=matched,
        requested=len(before),
        changed=changed,
        skipped=matched - len(before),
        requests=requests,
        answered=answered,
        target=target if isinstance(target, str) else None,
        kept=dict(kept),
        elsewhere=dict(elsewhere),
        gone=gone,
    )


def _differs(before: Job, after: Job, patch: Mapping[str, Any]) -> bool:
    compared = [k for k in patch if k not in NOT_COMPARED and k != "id"]
    return any(before.raw.get(k) != after.raw.get(k) for k in compared)
