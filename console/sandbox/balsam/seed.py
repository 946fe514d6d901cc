"""Believable seed data: two sites, a few apps, batch jobs and N jobs spread over states.

Generation is repeatable for a given seed and epoch. Jobs are built from one
template dict, so 200,000 of them take about a second; full event histories
are written only for small seeds (a big benchmark seed gets one event per job).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from console.sandbox.balsam.store import JOB_DEFAULTS, Store, stamp

SITES = (
    ("theta-gpu", "/lus/theta-fs0/projects/chem/balsam-site"),
    ("polaris", "/lus/grand/projects/materials/balsam-site"),
)
APPS = (
    (0, "SimulateH2O", "Molecular dynamics of small molecules", ("input", "output")),
    (0, "RelaxGeometry", "Geometry relaxation before MD", ()),
    (0, "Analyze", "Post-run analysis and plots", ()),
    (1, "EigenSolve", "Dense eigenvalue solver", ("input",)),
    (1, "TrainSurrogate", "Surrogate model training", ()),
)
SLOTS = {
    "input": {
        "required": True,
        "direction": "in",
        "local_path": "input.dat",
        "description": "input deck",
        "recursive": False,
    },
    "output": {
        "required": True,
        "direction": "out",
        "local_path": "final.xyz",
        "description": "final coordinates",
        "recursive": False,
    },
}
REMOTE = {"in": "/projects/inputs/{system}.xyz", "out": "/projects/results/{workdir}.xyz"}
BEFORE_STAGE_IN = frozenset({"CREATED", "AWAITING_PARENTS", "READY"})
STATE_WEIGHTS = {
    "AWAITING_PARENTS": 3,
    "READY": 3,
    "STAGED_IN": 5,
    "PREPROCESSED": 6,
    "RUNNING": 8,
    "RUN_DONE": 3,
    "RUN_ERROR": 2,
    "RUN_TIMEOUT": 2,
    "RESTART_READY": 3,
    "POSTPROCESSED": 2,
    "STAGED_OUT": 1,
    "JOB_FINISHED": 52,
    "FAILED": 5,
}
PATHS = {
    "READY": ["STAGED_IN"],
    "RUN_DONE": ["STAGED_IN", "PREPROCESSED", "RUNNING", "RUN_DONE"],
    "RUN_ERROR": ["STAGED_IN", "PREPROCESSED", "RUNNING", "RUN_ERROR"],
    "RUN_TIMEOUT": ["STAGED_IN", "PREPROCESSED", "RUNNING", "RUN_TIMEOUT"],
    "RESTART_READY": ["STAGED_IN", "PREPROCESSED", "RUNNING", "RUN_TIMEOUT", "RESTART_READY"],
    "FAILED": ["STAGED_IN", "PREPROCESSED", "RUNNING", "RUN_ERROR", "FAILED"],
    "JOB_FINISHED": [
        "STAGED_IN",
        "PREPROCESSED",
        "RUNNING",
        "RUN_DONE",
        "POSTPROCESSED",
        "JOB_FINISHED",
    ],
}
SYSTEMS = ("H2O", "CH4", "NH3", "CO2", "C6H6")
EXPERIMENTS = ("A", "B", "C")
FULL_HISTORY_LIMIT = 20_000
"""Above this many jobs, only each job's latest event is written (keeps start-up quick)."""


def seed(store: Store, *, jobs: int, rng: random.Random, epoch: dt.datetime, owner: int) -> None:
    """Fill an empty store."""
    _sites(store, epoch, owner)
    _apps(store)
    _batch_jobs(store, rng, epoch)
    _jobs(store, jobs, rng, epoch)


def _sites(store: Store, epoch: dt.datetime, owner: int) -> None:
    for name, path in SITES:
        site_id = store.next_id("site")
        store.sites[site_id] = {
            "id": site_id,
            "name": name,
            "path": path,
            "globus_endpoint_id": None,
            "backfill_windows": {"debug": [{"num_nodes": 8, "wall_time_min": 30}]},
            "queued_jobs": {},
            "optional_batch_job_params": {},
            "allowed_projects": ["chem", "materials"],
            "allowed_queues": {
                "default": {"max_nodes": 512, "max_walltime": 720, "max_queued_jobs": 20},
                "debug": {"max_nodes": 64, "max_walltime": 120, "max_queued_jobs": 2},
            },
            "transfer_locations": {"theta_dtn": "globus://08925f04-569f-11e7-bef8-22000b9a448b"},
            "last_refresh": stamp(epoch),
            "creation_date": stamp(epoch - dt.timedelta(days=30)),
        }


def _apps(store: Store) -> None:
    site_ids = list(store.sites)
    for site_index, name, description, slots in APPS:
        app_id = store.next_id("app")
        transfers = {slot: dict(SLOTS[slot]) for slot in slots}
        store.apps[app_id] = {
            "id": app_id,
            "site_id": site_ids[site_index],
            "name": name,
            "serialized_class": "",
            "source_code": f"class {name}(ApplicationDefinition): ...",
            "description": description,
            "parameters": {"system": {"required": True, "default": None, "help": "molecule"}},
            "transfers": transfers,
        }


def _batch_jobs(store: Store, rng: random.Random, epoch: dt.datetime) -> None:
    plan = ("finished", "finished", "running", "queued", "queued")
    for site_id in store.sites:
        for n, state in enumerate(plan):
            batch_id = store.next_id("batch_job")
            start = epoch - dt.timedelta(hours=6 - n)
            store.batch_jobs[batch_id] = {
                "id": batch_id,
                "site_id": site_id,
                "scheduler_id": 400_000 + batch_id * 17,
                "project": "chem" if site_id == 1 else "materials",
                "queue": "default" if n % 2 else "debug",
                "num_nodes": rng.choice((8, 16, 32, 64)),
                "wall_time_min": rng.choice((30, 60, 120)),
                "job_mode": "mpi",
                "optional_params": {},
                "filter_tags": {},
                "partitions": None,
                "state": state,
                "status_info": {},
                "start_time": stamp(start) if state != "queued" else None,
                "end_time": stamp(start + dt.timedelta(hours=1)) if state == "finished" else None,
            }


def _jobs(store: Store, count: int, rng: random.Random, epoch: dt.datetime) -> None:
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    chosen = rng.choices(states, weights, k=count)
    app_ids = list(store.apps)
    running = {b["site_id"]: b["id"] for b in store.batch_jobs.values() if b["state"] == "running"}
    full = count <= FULL_HISTORY_LIMIT
    finished: list[int] = []
    for n, state in enumerate(chosen):
        app = store.apps[app_ids[n % len(app_ids)]]
        job_id = store.next_id("job")
        when = epoch - dt.timedelta(seconds=(count - n) * 3 + rng.randint(0, 2))
        row = dict(JOB_DEFAULTS)
        system = SYSTEMS[n % len(SYSTEMS)]
        row.update(
            id=job_id,
            workdir=f"{app['name'].lower()}/{system.lower()}/run{job_id:06d}",
            app_id=app["id"],
            state=state,
            last_update=stamp(when),
            tags={"exp": EXPERIMENTS[(n // 7) % 3], "system": system},
            parameters={"system": system},
            parent_ids=[],
            data={},
            launch_params={},
            num_nodes=rng.choice((1, 1, 2, 4)),
        )
        if state == "AWAITING_PARENTS" and finished:
            row["parent_ids"] = [max(1, job_id - 1)]
        if state == "RUNNING":
            row["batch_job_id"] = running.get(app["site_id"])
            row["session_id"] = row["batch_job_id"]
        if state in ("RUN_DONE", "JOB_FINISHED", "POSTPROCESSED", "STAGED_OUT"):
            row["return_code"] = 0
        elif state in ("RUN_ERROR", "FAILED"):
            row["return_code"] = rng.choice((1, 2, 137))
            row["serialized_exception"] = "Traceback: SCF did not converge"
        store.add_job(row, event=False)
        _history(store, row, when, full)
        if state == "JOB_FINISHED":
            finished.append(job_id)
        if app["transfers"] and (n % 3 == 0 or state == "READY"):
            _transfers(store, row, app, system)


def _transfers(store: Store, row: dict[str, Any], app: dict[str, Any], system: str) -> None:
    """Give a job an item per app slot, in the state its job's state implies."""
    for slot in app["transfers"].values():
        direction = slot["direction"]
        remote = REMOTE[direction].format(system=system, workdir=row["workdir"])
        item = store.add_transfer(row["id"], direction, slot["local_path"], remote, "theta_dtn")
        item["state"] = _item_state(direction, row["state"])


def _item_state(direction: str, job_state: str) -> str:
    # Stage-in is done before STAGED_IN; stage-out starts at POSTPROCESSED.
    if direction == "in":
        return "pending" if job_state in BEFORE_STAGE_IN else "done"
    if job_state in ("STAGED_OUT", "JOB_FINISHED"):
        return "done"
    return "pending" if job_state == "POSTPROCESSED" else "awaiting_job"


def _history(store: Store, row: dict[str, Any], when: dt.datetime, full: bool) -> None:
    path = PATHS.get(row["state"], ["STAGED_IN", row["state"]])
    if row["state"] == "AWAITING_PARENTS":
        path = ["AWAITING_PARENTS"]
    if not full:
        previous = path[-2] if len(path) > 1 else "CREATED"
        store.log(row["id"], previous, path[-1], stamp(when), {})
        return
    before = "CREATED"
    start = when - dt.timedelta(seconds=40 * len(path))
    for step, state in enumerate(path):
        moment = when if step == len(path) - 1 else start + dt.timedelta(seconds=40 * step)
        data = {"message": "Skipped stage in"} if state == "STAGED_IN" and step == 0 else {}
        store.log(row["id"], before, state, stamp(moment), data)
        before = state
