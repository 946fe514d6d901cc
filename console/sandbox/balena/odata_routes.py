"""``/v7/<resource>[(key)][/$count]``: reads and writes with the envelopes of protocol §7."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from console.sandbox.balena import writes
from console.sandbox.balena.evaluate import UnknownField, Unsupported, select_rows
from console.sandbox.balena.parser import ParseError, Parser, parse_query
from console.sandbox.balena.query import Lit, Options
from console.sandbox.balena.render import Renderer
from console.sandbox.balena.schema import RESOURCES
from console.sandbox.balena.store import Row, StoreError

if TYPE_CHECKING:
    from console.sandbox.balena.app import BalenaStandIn

_PATH = re.compile(r"^/v7/(?P<resource>[A-Za-z_]+)(?:\((?P<key>.*)\))?(?P<count>/\$count)?$")


class Malformed(Exception):
    """The URL does not parse: answered ``400 "Malformed url: '...'"``."""


def _json_error(status: int, text: str) -> Response:
    if not text:
        return Response(status_code=status)
    return Response(json.dumps(text), status_code=status, media_type="application/json")


def _odata(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(
        body, status_code=status, headers={"Cache-Control": "no-cache", **(headers or {})}
    )


def _key_filter(text: str, params: dict[str, Any]) -> dict[str, Any]:
    """``123``, ``uuid='abc'``, ``(@id)`` or ``a='x',b='y'`` → field values."""
    parser = Parser(text)
    if parser.tok.kind in ("num", "str") or parser.at("@"):
        values = {"id": _key_value(parser, params)}
    else:
        values = {}
        while True:
            name = parser.ident()
            parser.expect("=")
            values[name] = _key_value(parser, params)
            if not parser.at(","):
                break
            parser.take()
    parser.done()
    return values


def _key_value(parser: Parser, params: dict[str, Any]) -> Any:
    if parser.at("@"):
        parser.take()
        return params.get(parser.ident())
    lit: Lit = parser.literal()
    return lit.value


def _params(options: Options) -> dict[str, Any]:
    return {name: lit.value for name, lit in options.aliases}


class ODataRequest:
    """One parsed request: resource, key, count flag and options."""

    def __init__(self, request: Request) -> None:
        raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        raw_path = raw_path.split("?", 1)[0]
        match = _PATH.match(raw_path.replace("%24", "$"))
        self.display = raw_path + ("?" + request.url.query if request.url.query else "")
        if match is None:
            raise Malformed
        self.resource = match["resource"]
        self.count = bool(match["count"])
        try:
            self.options = parse_query(request.scope.get("query_string", b"").decode("latin-1"))
            self.params = _params(self.options)
            # Raw, as the query is: a key's string literals are percent-decoded once, by
            # the literal parser (decoding the path first would turn '%2541' into 'A').
            self.key = _key_filter(match["key"], self.params) if match["key"] else None
        except ParseError as exc:
            raise Malformed from exc


def odata_route(state: BalenaStandIn) -> Any:
    """Build the handler of every ``/v7`` request."""

    async def handle(request: Request) -> Response:
        refused = state.authorize(request)
        if refused is not None:
            return refused
        instead = await state.faults.before()
        if instead is not None:
            return instead
        try:
            parsed = ODataRequest(request)
            if parsed.resource not in RESOURCES:
                return _json_error(500, "")
            response = await _dispatch(state, request, parsed)
        except Malformed:
            return _json_error(400, f"Malformed url: '{_display(request)}'")
        except UnknownField:
            return _json_error(500, "")
        except Unsupported as exc:
            return _json_error(400, str(exc))
        except StoreError as exc:
            return _json_error(exc.status, exc.message)
        return state.faults.garble(response, request.method)

    return handle


def _display(request: Request) -> str:
    raw = request.scope.get("raw_path", b"").decode("latin-1")
    query = request.scope.get("query_string", b"").decode("latin-1")
    return raw.removeprefix("/v7") + (f"?{query}" if query else "")


def _matched(state: BalenaStandIn, parsed: ODataRequest, options: Options) -> list[Row]:
    store = state.store
    if parsed.key is None:
        return state.cache.select(parsed.resource, options, parsed.params)
    rows: Any = store.rows(parsed.resource)
    if parsed.key is not None:
        if set(parsed.key) == {"id"}:
            found = store.get(parsed.resource, parsed.key["id"])
            rows = [found] if found else []
        else:
            rows = [r for r in rows if all(r.get(k) == v for k, v in parsed.key.items())]
    return select_rows(store, parsed.resource, rows, options, parsed.params)


async def _dispatch(state: BalenaStandIn, request: Request, parsed: ODataRequest) -> Response:
    method = request.method
    if method == "GET":
        return _get(state, parsed)
    if method == "POST":
        return await _post(state, request, parsed)
    body = await _body(request)
    filtered = Options(filter=parsed.options.filter)
    if parsed.key is None and parsed.options.filter is None:
        return _json_error(400, "A filter or a key is required to change many rows")
    rows = _matched(state, parsed, filtered)
    if method in ("PATCH", "PUT"):
        writes.update(state.store, parsed.resource, rows, body)
    else:
        writes.delete(state.store, parsed.resource, rows)
    return Response(status_code=200)


def _get(state: BalenaStandIn, parsed: ODataRequest) -> Response:
    options = parsed.options
    if parsed.count:
        rows = _matched(state, parsed, Options(filter=options.filter))
        return _odata({"d": len(rows)})
    rows = _matched(state, parsed, options)
    rendered = Renderer(state.store, parsed.params).rows(parsed.resource, rows, options)
    return _odata({"d": rendered})


async def _post(state: BalenaStandIn, request: Request, parsed: ODataRequest) -> Response:
    if parsed.key is not None or parsed.count:
        return _json_error(400, "POST goes to a collection")
    body = await _body(request)
    row = writes.create(state.store, parsed.resource, body)
    location = {"Location": f"/v7/{parsed.resource}({row['id']})"}
    if dict(parsed.options.custom).get("returnResource") == "0":
        return _odata({"id": row["id"]}, 201, location)
    rendered = Renderer(state.store, parsed.params).rows(parsed.resource, [row], Options())
    return _odata(rendered[0], 201, location)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise StoreError(400, "Invalid JSON body") from exc
    if not isinstance(body, dict):
        raise StoreError(400, "The body must be a JSON object")
    return body
