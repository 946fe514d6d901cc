"""A raw TCP stand-in of three nodes: each echoes lines back, prefixed with its index."""

from __future__ import annotations

import asyncio
from typing import Any

from console.sandbox.registry import StandIn, StandInContext


def _handler(index: int) -> Any:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            writer.write(f"{index}:".encode() + line)
            await writer.drain()
        writer.close()

    return echo


def _build(context: StandInContext) -> list[Any]:
    return [_handler(index) for index in range(len(context.urls))]


STAND_IN = StandIn(
    name="echo-tcp",
    section="echo_tcp",
    build=_build,
    endpoint=lambda urls: {"nodes": urls},
    nodes=3,
    transport="tcp",
)
