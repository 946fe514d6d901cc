"""The Balsam stand-in: the Jobs pane's service, on loopback, with jobs that keep moving.

It shares no code with ``console.backends.balsam``: it parses requests as the
real FastAPI server does, so a client bug cannot hide behind a matching
stand-in bug.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from console.sandbox.balsam.app import USERNAME, build_app
from console.sandbox.registry import StandIn, StandInContext


def _build(context: StandInContext) -> Starlette:
    return build_app(
        password=context.credentials["password"],
        options=context.options,
        seed_value=context.seed,
    )


def _endpoint(urls: list[str]) -> dict[str, Any]:
    return {"url": urls[0], "username": USERNAME}


STAND_IN = StandIn(
    name="balsam",
    section="balsam",
    build=_build,
    endpoint=_endpoint,
    credentials=("password",),
)

__all__ = ["STAND_IN", "build_app"]
