"""The ``/jobs/`` and ``/events/`` routes of the stand-in, bulk calls included (§8)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.sandbox.balsam.context import state_of
from console.sandbox.balsam.params import Invalid, Params
from console.sandbox.balsam.select import JOB_ORDERINGS, event_rows
from console.sandbox.balsam.store import JOB_DEFAULTS, JOB_STATES
from console.sandbox.balsam.web import detail, json_of, not_found, page

MAX_ITEMS_PER_BULK_OP = 5000
UPDATABLE = frozenset(JOB_DEFAULTS) | {"state", "state_timestamp", "state_data", "workdir"}


async def list_jobs(request: Request) -> Response:
    balsam = state_of(request)
    p = Params(request.query_params)
    limit, offset = p.page()
    ordering = p.enum("ordering", JOB_ORDERINGS)
    p.check()
    if limit == 0:
        fast = balsam.selector.count_fast(p)
        if fast is not None:
            return JSONResponse({"count": fast, "results": []})
    ids = balsam.selector.ids(p, ordering)
    jobs = balsam.store.jobs
    return JSONResponse(
        {"count": len(ids), "results": [jobs[i] for i in ids[offset : offset + limit]]}
    )


async def create_jobs(request: Request) -> Response:
    balsam = state_of(request)
    items = await json_of(request, list)
    if len(items) > MAX_ITEMS_PER_BULK_OP:
        raise detail(400, f"Cannot create more than {MAX_ITEMS_PER_BULK_OP} Jobs in one call.")
    _check_create(items)
    store = balsam.store
    workdirs = [item["workdir"] for item in items]
    if len(set(workdirs)) != len(workdirs):
        raise detail(400, "Workdirs must be unique for each call to bulk-create Jobs.")
    if any(item["app_id"] not in store.apps for item in items):
        raise detail(404, "Could not find one or more Apps. Please check the app_id.")
    parents = {p for item in items for p in item.get("parent_ids") or []}
    if any(p not in store.jobs for p in parents):
        raise detail(
            404, "Could not find one or more Jobs set as parents. Please check parent_ids."
        )
    created = [_create_one(balsam, item) for item in items]
    return JSONResponse([_naive(row) for row in created], 201)


def _check_create(items: list[Any]) -> None:
    errors = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append(
                {"loc": ["body", i], "msg": "value is not a valid dict", "type": "type_error.dict"}
            )
            continue
        if not isinstance(item.get("workdir"), str) or not item.get("workdir"):
            errors.append(
                {
                    "loc": ["body", i, "workdir"],
                    "msg": "field required",
                    "type": "value_error.missing",
                }
            )
        if not isinstance(item.get("app_id"), int):
            errors.append(
                {
                    "loc": ["body", i, "app_id"],
                    "msg": "field required",
                    "type": "value_error.missing",
                }
            )
    if errors:
        raise Invalid(errors)


def _create_one(balsam: Any, item: dict[str, Any]) -> dict[str, Any]:
    store = balsam.store
    app = store.apps[item["app_id"]]
    row = dict(JOB_DEFAULTS)
    row.update({k: v for k, v in item.items() if k in UPDATABLE and k != "state"})
    job_id = store.next_id("job")
    slots = item.get("transfers") or {}
    stage_in = [s for s in slots if app["transfers"].get(s, {}).get("direction") == "in"]
    row.update(
        id=job_id,
        app_id=app["id"],
        tags=dict(item.get("tags") or {}),
        parent_ids=list(item.get("parent_ids") or []),
        last_update=store.now(),
        state=store.initial_state(list(item.get("parent_ids") or []), bool(stage_in)),
    )
    for slot, spec in slots.items():
        # The item takes its direction and local path from the app's slot, as upstream.
        declared = app["transfers"].get(slot, {})
        item = store.add_transfer(
            job_id,
            declared.get("direction", "in"),
            declared.get("local_path", slot),
            spec.get("path", ""),
            spec.get("location_alias", ""),
        )
        item["recursive"] = bool(declared.get("recursive", False))
    return store.add_job(row)


def _naive(row: dict[str, Any]) -> dict[str, Any]:
    """The create reply's ``last_update`` has no zone (verified on the real server)."""
    return {**row, "last_update": row["last_update"].replace("+00:00", "")}


def _check_patch(patch: dict[str, Any], loc: list[Any]) -> dict[str, Any]:
    state = patch.get("state")
    if state is not None and state not in JOB_STATES:
        permitted = ", ".join(f"'{s}'" for s in JOB_STATES)
        raise Invalid(
            [
                {
                    "loc": ["body", *loc, "state"],
                    "msg": f"value is not a valid enumeration member; permitted: {permitted}",
                    "type": "type_error.enum",
                }
            ]
        )
    return {k: v for k, v in patch.items() if k in UPDATABLE}


async def bulk_update(request: Request) -> Response:
    balsam = state_of(request)
    items = await json_of(request, list)
    if len(items) > MAX_ITEMS_PER_BULK_OP:
        raise detail(400, f"Cannot update more than {MAX_ITEMS_PER_BULK_OP} Jobs in one call.")
    if any(not isinstance(i, dict) or not isinstance(i.get("id"), int) for i in items):
        raise Invalid(
            [{"loc": ["body"], "msg": "each item needs an integer id", "type": "value_error"}]
        )
    ids = [i["id"] for i in items]
    if len(set(ids)) != len(ids):
        raise detail(400, "Duplicate Job IDs in bulk update.")
    if any(i not in balsam.store.jobs for i in ids):
        raise detail(400, "Could not find some Job IDs")
    if len({frozenset(i) for i in items}) > 1:
        # The real server (0.7.0a24) fails this way when items carry different keys.
        return Response("Internal Server Error", 500, media_type="text/plain")
    patches = [_check_patch(item, [n]) for n, item in enumerate(items)]
    jobs = balsam.store.jobs
    apply_updates(balsam.store, [(jobs[i], patch) for i, patch in zip(ids, patches)])
    return JSONResponse(len(items))


def apply_updates(store: Any, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Update jobs as the real server's ``do_update_jobs`` does, quirk included (§8).

    Upstream sends every job's update in one executemany whose columns come from
    one job's update: when some job of the call is already in the target state
    (its update carries no state), the state is applied to none of them, yet an
    event is still written for each of the others. Other fields apply to all.
    """
    targets = [(row, patch.get("state")) for row, patch in pairs]
    wanted = [(row, state) for row, state in targets if state is not None]
    already = any(store.plan_state(row, state) is None for row, state in wanted)
    moving = any(store.plan_state(row, state) is not None for row, state in wanted)
    for row, patch in sorted(pairs, key=lambda pair: pair[0]["id"]):
        store.update_job(row, patch, apply_state=not (already and moving))


async def update_by_filter(request: Request) -> Response:
    balsam = state_of(request)
    patch = _check_patch(await json_of(request, dict), [])
    query = request.query_params
    if "state__ne" in query and "tags" in query:
        # Observed on the real server (0.7.0a24): this combination answers 500.
        return Response("Internal Server Error", 500, media_type="text/plain")
    ids = list(balsam.selector.ids(Params(query), None))
    if len(ids) > MAX_ITEMS_PER_BULK_OP:
        raise detail(400, f"Cannot update more than {MAX_ITEMS_PER_BULK_OP} Jobs in one call.")
    jobs = balsam.store.jobs
    apply_updates(balsam.store, [(jobs[i], dict(patch)) for i in ids])
    return JSONResponse(len(ids))


async def delete_by_filter(request: Request) -> Response:
    balsam = state_of(request)
    ids = list(balsam.selector.ids(Params(request.query_params), None))
    for job_id in ids:
        if balsam.store.jobs[job_id]["session_id"] is None:  # leased jobs are skipped
            balsam.store.remove_job(job_id)
    return Response(status_code=204)


def _job(request: Request) -> dict[str, Any]:
    row = state_of(request).store.jobs.get(request.path_params["job_id"])
    if row is None:
        raise not_found()
    return row


async def job_item(request: Request) -> Response:
    balsam = state_of(request)
    if request.method == "GET":
        return JSONResponse(_job(request))
    if request.method == "DELETE":
        balsam.store.remove_job(_job(request)["id"])
        return Response(status_code=204)
    patch = _check_patch(await json_of(request, dict), [])
    row = balsam.store.jobs.get(request.path_params["job_id"])
    if row is None:
        raise detail(400, "Could not find some Job IDs")
    balsam.store.update_job(row, patch)
    return JSONResponse(1)


async def list_events(request: Request) -> Response:
    balsam = state_of(request)
    p = Params(request.query_params)
    limit, offset = p.page()
    p.check()
    return JSONResponse(page(event_rows(p, balsam.store), limit, offset))


async def jobs_collection(request: Request) -> Response:
    handlers = {
        "GET": list_jobs,
        "POST": create_jobs,
        "PATCH": bulk_update,
        "PUT": update_by_filter,
        "DELETE": delete_by_filter,
    }
    return await handlers[request.method](request)


ROUTES = [
    Route("/jobs/", jobs_collection, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]),
    Route("/jobs/{job_id:int}", job_item, methods=["GET", "PUT", "DELETE"]),
    Route("/events/", list_events, methods=["GET"]),
]
