"""What every subcommand shares: the chosen profile and the way errors end a command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from console import profiles
from console.backends.errors import ConsoleError, redact
from console.profiles import Profile

F = TypeVar("F", bound=Callable[..., Any])


class CliContext:
    """The root group's state, passed to subcommands as ``ctx.obj``."""

    def __init__(self, profile_name: str | None) -> None:
        self.profile_name = profile_name
        self._profile: Profile | None = None

    def profile(self) -> Profile:
        """Load the chosen profile once (``--profile``, else the default)."""
        if self._profile is None:
            self._profile = profiles.load(self.profile_name or profiles.default_name())
        return self._profile


def fail(error: ConsoleError, secrets: tuple[str, ...] = ()) -> NoReturn:
    """Print a console error to stderr and exit 1."""
    message = redact(str(error), secrets)
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def handles_errors(command: F) -> F:
    """Turn a ``ConsoleError`` raised by the command into a message and exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConsoleError as exc:
            secrets: tuple[str, ...] = ()
            ctx = click.get_current_context(silent=True)
            if ctx is not None and isinstance(ctx.obj, CliContext) and ctx.obj._profile:
                secrets = ctx.obj._profile.secret_values()
            fail(exc, secrets)

    return wrapper  # type: ignore[return-value]


def current(ctx: click.Context) -> CliContext:
    """Return the root context object of a subcommand."""
    obj = ctx.find_object(CliContext)
    if obj is None:  # a subcommand invoked on its own, as in some tests
        obj = CliContext(None)
        ctx.obj = obj
    return obj
