"""An HTTP stand-in of two nodes: each says which node it is, and streams ticks forever."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from console.sandbox.registry import StandIn, StandInContext


def _app(index: int) -> Starlette:
    async def whoami(request: Request) -> Response:
        return JSONResponse({"node": index})

    async def ticks(request: Request) -> Response:
        async def forever() -> AsyncIterator[bytes]:
            while True:
                yield b"tick\n"
                await asyncio.sleep(0.05)

        return StreamingResponse(forever(), media_type="text/plain")

    return Starlette(routes=[Route("/", whoami), Route("/ticks", ticks)])


def _build(context: StandInContext) -> list[Any]:
    return [_app(index) for index in range(len(context.urls))]


STAND_IN = StandIn(
    name="echo",
    section="echo",
    build=_build,
    endpoint=lambda urls: {"nodes": urls},
    nodes=2,
)
