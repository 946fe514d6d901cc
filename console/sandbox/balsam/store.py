"""The Balsam stand-in's data: rows as the server would send them, plus indexes.

Rows are kept as JSON-ready dicts so a list reply is a slice and a dump. Jobs
are indexed by (app, state), which makes the count-only requests the Jobs pane
sends per app and state cost a set length, even at 200,000 jobs. State changes
go through ``set_state`` so every change follows the server's rewrites
(protocols/balsam.md §9) and writes one EventLog, from the old state to where
the job lands.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

JOB_STATES = (
    "CREATED",
    "AWAITING_PARENTS",
    "READY",
    "STAGED_IN",
    "PREPROCESSED",
    "RUNNING",
    "RUN_DONE",
    "RUN_ERROR",
    "RUN_TIMEOUT",
    "RESTART_READY",
    "POSTPROCESSED",
    "STAGED_OUT",
    "JOB_FINISHED",
    "FAILED",
)
JOB_DEFAULTS: dict[str, Any] = {
    "tags": {},
    "session_id": None,
    "parent_ids": [],
    "batch_job_id": None,
    "data": {},
    "return_code": None,
    "num_nodes": 1,
    "ranks_per_node": 1,
    "threads_per_rank": 1,
    "threads_per_core": 1,
    "launch_params": {},
    "gpus_per_rank": 0.0,
    "node_packing_count": 1,
    "wall_time_min": 0,
    "pending_file_cleanup": True,
    "parameters": {},
    "serialized_parameters": "",
    "serialized_return_value": "",
    "serialized_exception": "",
}


def stamp(moment: dt.datetime) -> str:
    """Format a UTC time the way the server does, always with microseconds (sortable)."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class Store:
    """Every row of one stand-in, with the indexes its queries need."""

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self.clock = clock
        self.users: dict[str, dict[str, Any]] = {}
        self.sites: dict[int, dict[str, Any]] = {}
        self.apps: dict[int, dict[str, Any]] = {}
        self.jobs: dict[int, dict[str, Any]] = {}
        self.batch_jobs: dict[int, dict[str, Any]] = {}
        self.transfers: dict[int, dict[str, Any]] = {}
        self.events: dict[int, dict[str, Any]] = {}
        self.by_app_state: dict[tuple[int, str], set[int]] = defaultdict(set)
        self.events_by_job: dict[int, list[int]] = defaultdict(list)
        self.transfers_by_job: dict[int, list[int]] = defaultdict(list)
        self.children: dict[int, list[int]] = defaultdict(list)
        self.version = 0
        """Bumped on every change, so cached query results know when they are stale."""
        self._ids: dict[str, int] = defaultdict(int)

    def next_id(self, kind: str) -> int:
        """Return the next id of a kind of row."""
        self._ids[kind] += 1
        return self._ids[kind]

    def now(self) -> str:
        """The store's current time, formatted."""
        return stamp(self.clock())

    # --- jobs -----------------------------------------------------------------

    def job_ids(self, app_ids: Iterable[int] | None, states: Iterable[str] | None) -> set[int]:
        """Ids of the jobs of these apps (all by default) in these states (all by default)."""
        apps = list(self.apps) if app_ids is None else list(app_ids)
        wanted = JOB_STATES if states is None else tuple(states)
        found: set[int] = set()
        for app_id in apps:
            for state in wanted:
                found |= self.by_app_state.get((app_id, state), set())
        return found

    def count(self, app_ids: Iterable[int] | None, states: Iterable[str] | None) -> int:
        """How many jobs ``job_ids`` would return, without building the set."""
        apps = list(self.apps) if app_ids is None else list(app_ids)
        wanted = JOB_STATES if states is None else tuple(states)
        return sum(len(self.by_app_state.get((a, s), ())) for a in apps for s in wanted)

    def add_job(self, row: dict[str, Any], *, event: bool = True) -> dict[str, Any]:
        """Insert a fully formed job row; index it; log ``CREATED → state`` if asked."""
        self.jobs[row["id"]] = row
        self.by_app_state[(row["app_id"], row["state"])].add(row["id"])
        for parent in row["parent_ids"]:
            self.children[parent].append(row["id"])
        if event:
            self.log(row["id"], "CREATED", row["state"], row["last_update"], {})
        self.version += 1
        return row

    def initial_state(self, parent_ids: list[int], has_stage_in: bool) -> str:
        """Where a new job starts (§9): waiting on parents, on stage-in, or staged in."""
        if any(self.jobs[p]["state"] != "JOB_FINISHED" for p in parent_ids if p in self.jobs):
            return "AWAITING_PARENTS"
        return "READY" if has_stage_in else "STAGED_IN"

    def remove_job(self, job_id: int) -> None:
        """Delete a job and unindex it."""
        row = self.jobs.pop(job_id)
        self.by_app_state[(row["app_id"], row["state"])].discard(job_id)
        self.version += 1

    def update_job(
        self, row: dict[str, Any], patch: dict[str, Any], *, apply_state: bool = True
    ) -> bool:
        """Apply an update body to one job, with the server's state rewrites.

        ``apply_state=False`` is the real server's bulk quirk (§8): the state change
        is logged as an event but not made. Returns whether a state change was logged.
        """
        patch = dict(patch)
        patch.pop("id", None)
        state = patch.pop("state", None)
        when = patch.pop("state_timestamp", None)
        data = patch.pop("state_data", None) or {}
        row.update(patch)
        row["last_update"] = self.now()
        moved = False
        if state is not None:
            moved = self.set_state(row, state, when or row["last_update"], data, apply=apply_state)
        self.version += 1
        return moved

    def plan_state(self, row: dict[str, Any], state: str) -> tuple[str, str | None] | None:
        """Where setting ``state`` leaves a job, as upstream's ``_update_state`` rewrites it.

        Returns ``None`` when the job is already in that state (no change, no event),
        else the final state and the message its event carries.
        """
        if state == row["state"]:
            return None
        if state == "READY" and self._stage_done(row["id"], "in"):
            return "STAGED_IN", "Skipped stage in"
        if state == "POSTPROCESSED" and self._stage_done(row["id"], "out"):
            return "JOB_FINISHED", "Skipped stage out"
        if state == "STAGED_OUT":
            return "JOB_FINISHED", None
        return state, None

    def set_state(
        self,
        row: dict[str, Any],
        state: str,
        when: str,
        data: dict[str, Any],
        *,
        apply: bool = True,
    ) -> bool:
        """Move a job to ``state`` with one event from its old state to where it lands.

        A READY whose stage-in is done lands in STAGED_IN, a POSTPROCESSED with
        nothing to stage out in JOB_FINISHED, a STAGED_OUT in JOB_FINISHED; a
        finished job releases its waiting children. Returns whether an event was
        written (not when the job was already in ``state``).
        """
        plan = self.plan_state(row, state)
        if plan is None:
            return False
        final, note = plan
        event = {**data, "message": note} if note else dict(data)
        self.log(row["id"], row["state"], final, when, event)
        if not apply:
            return True
        self._place(row, final)
        row["last_update"] = when
        if state != "RUNNING":
            row["session_id"] = None
        if final == "POSTPROCESSED":
            for item in self.items_of(row["id"], "out"):
                if item["state"] == "awaiting_job":
                    item["state"] = "pending"
        if final == "JOB_FINISHED":
            self._release_children(row["id"], when)
        return True

    def _place(self, row: dict[str, Any], state: str) -> None:
        self.by_app_state[(row["app_id"], row["state"])].discard(row["id"])
        self.by_app_state[(row["app_id"], state)].add(row["id"])
        row["state"] = state

    def _move(self, row: dict[str, Any], state: str, when: str, data: dict[str, Any]) -> None:
        before = row["state"]
        self._place(row, state)
        row["last_update"] = when
        self.log(row["id"], before, state, when, data)

    def items_of(self, job_id: int, direction: str) -> list[dict[str, Any]]:
        """The job's transfer items going one way (``in`` or ``out``)."""
        items = (self.transfers[t] for t in self.transfers_by_job.get(job_id, ()))
        return [t for t in items if t["direction"] == direction]

    def _stage_done(self, job_id: int, direction: str) -> bool:
        return all(t["state"] == "done" for t in self.items_of(job_id, direction))

    def transfers_changed(self, job_ids: Iterable[int]) -> None:
        """After transfer items change, move the jobs whose staging is complete.

        As upstream's transfer routes do: a READY job whose stage-in items are
        all done goes to STAGED_IN, a POSTPROCESSED job whose stage-out items
        are all done to JOB_FINISHED.
        """
        for job_id in set(job_ids):
            row = self.jobs.get(job_id)
            if row is None or row["state"] not in ("READY", "POSTPROCESSED"):
                continue
            direction = "in" if row["state"] == "READY" else "out"
            if not self._stage_done(job_id, direction):
                continue
            when = self.now()
            self._move(row, "STAGED_IN" if direction == "in" else "JOB_FINISHED", when, {})
            if direction == "out":
                # Upstream leaves waiting children to a later job update; releasing
                # them here keeps a demo's chains of jobs moving.
                self._release_children(job_id, when)
        self.version += 1

    def _release_children(self, job_id: int, when: str) -> None:
        for child_id in self.children.get(job_id, ()):
            child = self.jobs.get(child_id)
            if child is None or child["state"] != "AWAITING_PARENTS":
                continue
            parents = [self.jobs.get(p) for p in child["parent_ids"]]
            if all(p is None or p["state"] == "JOB_FINISHED" for p in parents):
                # Two events, as verified on the real server: released, then staged in.
                self._move(child, "READY", when, {"message": "All parents finished"})
                if self._stage_done(child_id, "in"):
                    self._move(child, "STAGED_IN", when, {"message": "Skipped stage in"})

    # --- events and transfers -------------------------------------------------

    def log(self, job_id: int, before: str, after: str, when: str, data: dict[str, Any]) -> None:
        """Write one EventLog row."""
        event_id = self.next_id("event")
        self.events[event_id] = {
            "id": event_id,
            "job_id": job_id,
            "timestamp": when,
            "from_state": before,
            "to_state": after,
            "data": dict(data),
        }
        self.events_by_job[job_id].append(event_id)

    def add_transfer(
        self, job_id: int, direction: str, local_path: str, path: str, alias: str
    ) -> dict[str, Any]:
        """Attach one transfer item to a job (stage-in starts pending, stage-out waits).

        ``local_path`` is the app's slot path inside the workdir; ``path`` is remote.
        """
        item_id = self.next_id("transfer")
        self.transfers[item_id] = {
            "id": item_id,
            "job_id": job_id,
            "direction": direction,
            "local_path": local_path,
            "remote_path": path,
            "location_alias": alias,
            "recursive": False,
            "state": "pending" if direction == "in" else "awaiting_job",
            "task_id": "",
            "transfer_info": {},
        }
        self.transfers_by_job[job_id].append(item_id)
        return self.transfers[item_id]
