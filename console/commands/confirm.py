"""The one rule for destructive commands: ask first; on a protected profile, the name.

Every command that drops, deletes, purges, deactivates, shuts down or changes
the state of many things calls ``confirm_destructive`` before it sends anything.

* A protected profile (``protected = true``) goes ahead only with
  ``--confirm NAME`` or the profile's name typed at the prompt; ``--yes`` is
  not enough, so a command copied from a staging runbook stops on prod.
* Any other profile asks yes/no, unless ``--yes`` (or ``--confirm NAME``).
* Without an answer (no terminal, empty stdin) the answer is no.

A refusal prints why on stderr, says nothing was done, and exits 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from console.commands.context import current

F = TypeVar("F", bound=Callable[..., Any])
SHOWN = 10
"""Things named in a question before the rest are counted (``and 40 more``)."""


def confirm_option(command: F) -> F:
    """Add ``--confirm NAME``: what a protected profile needs instead of ``--yes``."""
    return click.option(
        "--confirm", "confirm", metavar="PROFILE",
        help="The profile's name: required on a protected profile (--yes is not enough).",
    )(command)


def named(things: list[str], noun: str) -> str:
    """``3 devices: a, b, c`` (the first ``SHOWN``, then how many more)."""
    shown = ", ".join(things[:SHOWN])
    more = f" and {len(things) - SHOWN} more" if len(things) > SHOWN else ""
    plural = noun if len(things) == 1 else f"{noun}s"
    return f"{len(things)} {plural}: {shown}{more}"


def confirm_destructive(ctx: click.Context, what: str, yes: bool, confirm: str | None, *,
                        protected_only: bool = False) -> None:
    """Return when the operator agreed to ``what``; otherwise say so and exit 1.

    Args:
        ctx: The command's context (its profile decides whether it is protected).
        what: The action and what it acts on, e.g. ``drop database "app"``.
        yes: ``--yes`` was given (enough on a profile that is not protected).
        confirm: ``--confirm NAME``, when given.
        protected_only: Ask only on a protected profile (small, undoable deletes).
    """
    profile = current(ctx).profile()
    name = profile.name
    if confirm is not None and confirm != name:
        _stop(f"--confirm {confirm!r} does not name this profile ('{name}')")
    if confirm == name:
        return
    if profile.settings.protected:
        if _typed(f"Profile '{name}' is protected. To {what}, type its name", name):
            return
        _stop(f"profile '{name}' is protected: to {what}, pass --confirm {name} "
              "(--yes is not enough) or type the name when asked")
    if yes or protected_only:
        return
    if not _agreed(f"{what[:1].upper()}{what[1:]}?"):
        _stop("not confirmed (pass --yes to go ahead without a question)")


def _typed(question: str, name: str) -> bool:
    try:
        answer = click.prompt(question, default="", show_default=False, err=True)
    except click.Abort:
        click.echo("", err=True)
        return False
    return str(answer).strip() == name


def _agreed(question: str) -> bool:
    try:
        return click.confirm(question, default=False, err=True)
    except click.Abort:  # no answer on stdin
        click.echo("", err=True)
        return False


def _stop(why: str) -> NoReturn:
    click.echo(f"Not done: {why}. Nothing was changed.", err=True)
    raise click.exceptions.Exit(1)
