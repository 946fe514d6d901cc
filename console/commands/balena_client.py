"""Running one piece of work with the profile's balena client, for the balena commands."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from console.commands.context import current

T = TypeVar("T")


def with_client(ctx: click.Context, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work(client)`` with the profile's balena client, closing it afterwards."""
    from console.backends.balena import BalenaClient

    profile = current(ctx).profile()

    async def run() -> T:
        async with BalenaClient.from_profile(profile) as client:
            return await work(client)

    return asyncio.run(run())
