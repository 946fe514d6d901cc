"""What every subcommand shares: the chosen profile and the way errors end a command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from console.errors import BadQuery, ConsoleError, redact
from console.invocation import as_typed

if TYPE_CHECKING:  # the profile and the clients are loaded by the commands that use them
    from console.backends.balena import BalenaClient
    from console.backends.balsam import BalsamClient
    from console.clients import Clients
    from console.profiles import Profile

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class CliContext:
    """The root group's state, passed to subcommands as ``ctx.obj``."""

    def __init__(self, profile_name: str | None) -> None:
        self.profile_name = profile_name
        self._profile: Profile | None = None
        self._clients: Clients | None = None

    def profile(self) -> Profile:
        """Load the chosen profile once (``--profile``, else the default)."""
        if self._profile is None:
            from console import profiles

            self._profile = profiles.load(self.profile_name or profiles.default_name())
        return self._profile

    def clients(self) -> Clients:
        """The profile's service clients, from the same registry the panes use."""
        if self._clients is None:
            from console.clients import Clients

            self._clients = Clients(self.profile())
        return self._clients


USAGE = 2
"""Exit code of bad usage: click's own, and ``BadQuery`` (a bad filter, an unknown field,
an identifier that is not one) caught by ``handles_errors``."""


def fail(error: ConsoleError, secrets: tuple[str, ...] = (), *, code: int = 1) -> NoReturn:
    """Print a console error to stderr (its hints naming the command as typed) and exit."""
    message = as_typed(redact(str(error), secrets))
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handles_errors(command: F) -> F:
    """Turn a ``ConsoleError`` raised by the command into a message and an exit code:
    2 for ``BadQuery`` (the input was wrong: nothing to retry), 1 for the rest."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConsoleError as exc:
            secrets: tuple[str, ...] = ()
            ctx = click.get_current_context(silent=True)
            if ctx is not None and isinstance(ctx.obj, CliContext) and ctx.obj._profile:
                secrets = ctx.obj._profile.secret_values()
            fail(exc, secrets, code=USAGE if isinstance(exc, BadQuery) else 1)

    return wrapper  # type: ignore[return-value]


def run_with_clients(ctx: click.Context, work: Callable[[Clients], Awaitable[T]]) -> T:
    """Run ``work(clients)`` in an event loop, closing every client it made afterwards."""
    import asyncio

    clients = current(ctx).clients()

    async def main() -> T:
        try:
            return await work(clients)
        finally:
            await clients.aclose()

    return asyncio.run(main())


def with_balena(ctx: click.Context, work: Callable[[BalenaClient], Awaitable[T]]) -> T:
    """Run ``work(client)`` with the profile's balena client."""

    async def call(clients: Clients) -> T:
        return await work(await clients.balena())

    return run_with_clients(ctx, call)


def with_balsam(ctx: click.Context, work: Callable[[BalsamClient], Awaitable[T]]) -> T:
    """Run ``work(client)`` with the profile's Balsam client."""

    async def call(clients: Clients) -> T:
        return await work(await clients.balsam())

    return run_with_clients(ctx, call)


def current(ctx: click.Context) -> CliContext:
    """Return the root context object of a subcommand."""
    obj = ctx.find_object(CliContext)
    if obj is None:  # a subcommand invoked on its own, as in some tests
        obj = CliContext(None)
        ctx.obj = obj
    return obj
