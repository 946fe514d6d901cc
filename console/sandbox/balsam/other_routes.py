"""Auth, ``/sites/``, ``/apps/``, ``/batch-jobs/`` and ``/transfers/`` routes of the stand-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from console.sandbox.balsam.context import state_of
from console.sandbox.balsam.params import Params
from console.sandbox.balsam.select import (
    Predicate,
    app_tests,
    batch_job_tests,
    site_tests,
    transfer_tests,
)
from console.sandbox.balsam.web import detail, json_of, not_found, page

Tests = Callable[[Params, Any], list[Predicate]]


async def how(request: Request) -> Response:
    return JSONResponse(["LoginMethod.password"])


async def register(request: Request) -> Response:
    body = await json_of(request, dict)
    user = state_of(request).auth.register(
        str(body.get("username", "")), str(body.get("password", ""))
    )
    if user is None:
        raise detail(400, "Username already taken")
    return JSONResponse(user, 201)


async def login(request: Request) -> Response:
    # Form-encoded, like OAuth2PasswordRequestForm; parsed by hand (no multipart needed).
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    username = (form.get("username") or [""])[0]
    password = (form.get("password") or [""])[0]
    reply = state_of(request).auth.login(username, password)
    if reply is None:
        raise detail(401, "Unauthorized")
    return JSONResponse(reply)


async def me(request: Request) -> Response:
    claims = request.scope["state"]["user"]
    return JSONResponse({"id": claims["sub"], "username": claims["username"]})


def collection(table: str, tests: Tests, ordering: tuple[str, ...] = ()) -> Callable[..., Any]:
    """A list-and-create handler over one table of the store."""

    async def handler(request: Request) -> Response:
        balsam = state_of(request)
        rows: dict[int, dict[str, Any]] = getattr(balsam.store, table)
        if request.method == "POST":
            return JSONResponse(_create(balsam.store, table, await json_of(request, dict)), 201)
        if request.method == "PATCH":
            updated = _bulk_patch(rows, await json_of(request, list))
            if table == "transfers":
                balsam.store.transfers_changed(r["job_id"] for r in updated)
            return JSONResponse(updated)
        p = Params(request.query_params)
        limit, offset = p.page()
        chosen = tests(p, balsam.store)
        order = p.enum("ordering", ordering) if ordering else None
        p.check()
        found = [r for r in rows.values() if all(t(r) for t in chosen)]
        if order:
            field = order.lstrip("-")
            found.sort(key=lambda r: (r[field] is None, r[field] or ""), reverse=order[0] == "-")
        return JSONResponse(page(found, limit, offset))

    return handler


def _create(store: Any, table: str, body: dict[str, Any]) -> dict[str, Any]:
    rows = getattr(store, table)
    if table == "sites" and any(r["name"] == body.get("name") for r in rows.values()):
        raise detail(400, "A site with this name already exists")
    if table == "apps" and body.get("site_id") not in store.sites:
        raise not_found()
    row_id = store.next_id(table.rstrip("s"))
    row = {**body, "id": row_id}
    if table == "batch_jobs":
        row.setdefault("state", "pending_submission")
        row.setdefault("scheduler_id", None)
        row.setdefault("start_time", None)
        row.setdefault("end_time", None)
        row.setdefault("filter_tags", {})
    rows[row_id] = row
    store.version += 1
    return row


def _bulk_patch(rows: dict[int, dict[str, Any]], items: list[Any]) -> list[dict[str, Any]]:
    ids = [i.get("id") if isinstance(i, dict) else None for i in items]
    if any(i not in rows for i in ids):
        raise not_found()
    for item in items:
        rows[item["id"]].update({k: v for k, v in item.items() if k != "id"})
    return [rows[i] for i in ids]


def item(table: str) -> Callable[..., Any]:
    """A get/put/delete handler for one row of one table."""

    async def handler(request: Request) -> Response:
        balsam = state_of(request)
        rows: dict[int, dict[str, Any]] = getattr(balsam.store, table)
        row = rows.get(request.path_params["item_id"])
        if row is None:
            raise not_found()
        if request.method == "DELETE":
            del rows[row["id"]]
            balsam.store.version += 1
            return Response(status_code=204)
        if request.method == "PUT":
            row.update({k: v for k, v in (await json_of(request, dict)).items() if k != "id"})
            if table == "sites":
                row["last_refresh"] = balsam.store.now()
            if table == "transfers":
                balsam.store.transfers_changed([row["job_id"]])
            balsam.store.version += 1
        return JSONResponse(row)

    return handler


def _no_owner(tests: Callable[[Params], list[Predicate]]) -> Tests:
    return lambda p, store: tests(p)


ROUTES = [
    Route("/auth/how", how, methods=["GET"]),
    Route("/auth/password/register", register, methods=["POST"]),
    Route("/auth/password/login", login, methods=["POST"]),
    Route("/auth/password/me", me, methods=["GET"]),
    Route("/sites/", collection("sites", _no_owner(site_tests)), methods=["GET", "POST"]),
    Route("/sites/{item_id:int}", item("sites"), methods=["GET", "PUT", "DELETE"]),
    Route("/apps/", collection("apps", app_tests), methods=["GET", "POST"]),
    Route("/apps/{item_id:int}", item("apps"), methods=["GET", "PUT", "DELETE"]),
    Route(
        "/batch-jobs/",
        collection("batch_jobs", _no_owner(batch_job_tests), ("start_time", "-start_time")),
        methods=["GET", "POST", "PATCH"],
    ),
    Route("/batch-jobs/{item_id:int}", item("batch_jobs"), methods=["GET", "PUT", "DELETE"]),
    Route("/transfers/", collection("transfers", transfer_tests), methods=["GET", "PATCH"]),
    Route("/transfers/{item_id:int}", item("transfers"), methods=["GET", "PUT"]),
]
