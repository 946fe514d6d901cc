"""Keeps the stand-in's jobs moving, as launchers and transfer services at the sites would.

Each tick a handful of jobs per state take their next step; a READY job's
stage-in items go pending → active → done, and the server's rewrite then makes
it STAGED_IN; runs end in RUN_DONE, RUN_ERROR or RUN_TIMEOUT; errors are
retried or fail; timeouts are retried; after RUN_DONE a job's stage-out items
move the same way until it is JOB_FINISHED; batch jobs queue, run and finish;
new jobs arrive now and then. Every change goes through the store, so it writes
EventLogs and follows the server's rewrites. ``tick()`` is one step, and the
``random.Random`` passed in makes a run repeatable; ``sandbox start`` ticks on a
timer, tests call ``tick()`` themselves (or switch it off: ``simulate: false``).
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from console.sandbox.balsam.store import JOB_DEFAULTS, Store

STEPS = {
    "READY": "STAGED_IN",
    "STAGED_IN": "PREPROCESSED",
    "RUN_TIMEOUT": "RESTART_READY",
    "RUN_DONE": "POSTPROCESSED",
    "POSTPROCESSED": "STAGED_OUT",
    "STAGED_OUT": "JOB_FINISHED",
}
"""A job's next state, when it has no transfer items to move first."""
STAGING = {"READY": "in", "POSTPROCESSED": "out"}
"""States in which a job waits for its transfer items going this way."""
TRANSFER_STEPS = {"pending": "active", "active": "done"}


class Simulator:
    """Advances jobs and batch jobs one tick at a time."""

    def __init__(self, store: Store, rng: random.Random, *, per_state: int = 3) -> None:
        self.store = store
        self.rng = rng
        self.per_state = per_state
        """Jobs moved per state and tick."""
        self.ticks = 0

    async def run(self, interval: float) -> None:
        """Tick forever (until cancelled)."""
        while True:
            await asyncio.sleep(interval)
            self.tick()

    def tick(self) -> None:
        """Advance the world by one step."""
        self.ticks += 1
        for state in (
            "RUNNING",
            "RUN_ERROR",
            "RUN_TIMEOUT",
            "RUN_DONE",
            "POSTPROCESSED",
            "STAGED_OUT",
            "READY",
            "STAGED_IN",
        ):
            # Runs end faster than they start, or RUNNING would only grow.
            for row in self._sample(state, 2 if state == "RUNNING" else 1):
                self._advance(row)
        for state in ("PREPROCESSED", "RESTART_READY"):
            for row in self._sample(state):
                self._launch(row)
        self._batch_jobs()
        self._arrivals()

    def _sample(self, state: str, factor: int = 1) -> list[dict[str, Any]]:
        groups = [m for (_, s), m in self.store.by_app_state.items() if s == state and m]
        # A few jobs or 2.5% of the state per tick, whichever is more: every state drains.
        wanted = max(self.per_state, sum(map(len, groups)) // 40) * factor
        ids: list[int] = []
        for members in groups:
            ids.extend(self.rng.sample(sorted(members), min(len(members), wanted)))
        picked = self.rng.sample(ids, min(len(ids), wanted))
        return [self.store.jobs[i] for i in picked]

    def _advance(self, row: dict[str, Any]) -> None:
        now = self.store.now()
        state = row["state"]
        if state in STAGING and self._stage(row, STAGING[state]):
            return
        if state == "RUNNING":
            roll = self.rng.random()
            if roll < 0.85:
                row["return_code"] = 0
                self.store.set_state(row, "RUN_DONE", now, {})
            elif roll < 0.93:
                row["return_code"] = self.rng.choice((1, 2, 137))
                self.store.set_state(row, "RUN_ERROR", now, {"error": "nonzero return code"})
            else:
                self.store.set_state(row, "RUN_TIMEOUT", now, {"reason": "walltime reached"})
        elif state == "RUN_ERROR":
            target = "RESTART_READY" if self.rng.random() < 0.6 else "FAILED"
            self.store.set_state(row, target, now, {"message": "error handler"})
        else:
            self.store.set_state(row, STEPS[state], now, {})
        self.store.version += 1

    def _stage(self, row: dict[str, Any], direction: str) -> bool:
        """Move a job's transfer items one step; ``False`` when it has none that way."""
        items = self.store.items_of(row["id"], direction)
        if not items:
            return False
        for item in items:
            step = TRANSFER_STEPS.get(item["state"])
            if step is not None:
                item["state"] = step
                item["task_id"] = item["task_id"] or f"globus-{item['id']:08d}"
        self.store.transfers_changed([row["id"]])
        return True

    def _launch(self, row: dict[str, Any]) -> None:
        site_id = self.store.apps[row["app_id"]]["site_id"]
        running = [
            b
            for b in self.store.batch_jobs.values()
            if b["site_id"] == site_id and b["state"] == "running"
        ]
        if not running:
            return
        row["batch_job_id"] = running[0]["id"]
        row["session_id"] = running[0]["id"]
        self.store.set_state(row, "RUNNING", self.store.now(), {})
        self.store.version += 1

    def _batch_jobs(self) -> None:
        now = self.store.now()
        for site_id in self.store.sites:
            mine = [b for b in self.store.batch_jobs.values() if b["site_id"] == site_id]
            running = [b for b in mine if b["state"] == "running"]
            queued = [b for b in mine if b["state"] == "queued"]
            if running and self.rng.random() < 0.02:
                running[0].update(state="finished", end_time=now)
            if not running and queued:
                queued[0].update(state="running", start_time=now)
            if not queued:
                self._submit(site_id)
        self.store.version += 1

    def _submit(self, site_id: int) -> None:
        """Queue a new allocation, as a site's elastic queue service would."""
        batch_id = self.store.next_id("batch_job")
        self.store.batch_jobs[batch_id] = {
            "id": batch_id,
            "site_id": site_id,
            "scheduler_id": 500_000 + batch_id,
            "project": "chem",
            "queue": "default",
            "num_nodes": self.rng.choice((8, 16, 32)),
            "wall_time_min": 60,
            "job_mode": "mpi",
            "optional_params": {},
            "filter_tags": {},
            "partitions": None,
            "state": "queued",
            "status_info": {},
            "start_time": None,
            "end_time": None,
        }

    def _arrivals(self) -> None:
        app = self.store.apps[self.rng.choice(list(self.store.apps))]
        slots = list((app.get("transfers") or {}).values())
        for _ in range(self.rng.randint(0, 3)):
            job_id = self.store.next_id("job")
            workdir = f"{app['name'].lower()}/new/run{job_id:06d}"
            row = dict(JOB_DEFAULTS)
            row.update(
                id=job_id,
                workdir=workdir,
                app_id=app["id"],
                state=self.store.initial_state([], any(s["direction"] == "in" for s in slots)),
                last_update=self.store.now(),
                tags={"exp": "D", "system": "H2O"},
                parameters={"system": "H2O"},
                parent_ids=[],
            )
            self.store.add_job(row)
            for slot in slots:
                remote = f"/projects/new/{workdir}/{slot.get('local_path', '')}"
                local = slot.get("local_path", "")
                self.store.add_transfer(job_id, slot["direction"], local, remote, "theta_dtn")
