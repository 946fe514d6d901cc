"""Before the SQL pane runs anything: NUL bytes refused, destructive statements confirmed.

``held_back`` is the one hook the run path calls. A NUL byte anywhere in what
would run refuses all of it (libpq would cut the statement there and run the
rest: ``delete from t \\x00where id = 1`` deleted every row). Statements that
drop, truncate, or update or delete without ``WHERE`` (``warnings_for``, read
from the parse tree) are named in a confirmation first; on a protected profile
the operator types the profile's name. A read-only profile is not asked: its
backend refuses them anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from console.backends.postgres import Statement, warnings_for
from console.ui.confirm import Confirmation, ConfirmScreen

if TYPE_CHECKING:
    from console.ui.panes.sql import SqlPane


def nul_position(statements: list[Statement]) -> tuple[int, int] | None:
    """``(statement number, character in it)`` of the first NUL byte, 1-based."""
    for number, statement in enumerate(statements, 1):
        at = statement.text.find("\x00")
        if at >= 0:
            return number, at + 1
    return None


def held_back(pane: SqlPane, statements: list[Statement],
              go: Callable[[], Awaitable[None]]) -> bool:
    """Return ``True`` when the run must not start now (``go`` runs if the operator agrees).

    Args:
        pane: The SQL pane (for its profile, notifications and screens).
        statements: What the run would send, in order.
        go: Starts the run without asking again.
    """
    nul = nul_position(statements)
    if nul is not None:
        pane.notify(f"Statement {nul[0]} holds a NUL byte at character {nul[1]}: nothing was "
                    "run (the server would have received only the text before it).",
                    title="Not run", severity="error")
        return True
    if pane.profile.read_only or pane.target.engine != "postgres":
        return False  # refused by the backend anyway; other engines' SQL is not PostgreSQL's
    warnings = [w for statement in statements for w in warnings_for(statement.text)]
    if not warnings:
        return False

    async def answered(answer: Confirmation | None) -> None:
        if answer is not None:
            await go()

    lines = "\n".join(f"• {w}" for w in warnings)
    question = f"The SQL about to run:\n{lines}\n\nRun it?"
    pane.app.push_screen(ConfirmScreen("Destructive SQL", question, action="Run",
                                       destructive=True), answered)
    return True
