"""What every pane of the console is: a widget shown as one tab of the app.

A pane owns its workers and talks to backends only from them. It is told when
it is shown or hidden (refresh loops pause while hidden), when the operator
types ``/`` (filter its current table) and when a ``:`` command names it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.widget import Widget

from console.clients import Clients
from console.profiles import Profile

if TYPE_CHECKING:
    from console.diff import DiffRequest


class Pane(Widget):
    """One tab of the console.

    Subclasses set the class variables and implement what they support.
    """

    pane_id: ClassVar[str]
    """Stable id, also the ``:`` command that opens it (``:jobs``)."""
    title: ClassVar[str]
    """The tab's label."""
    key: ClassVar[str]
    """The key that opens it from anywhere (``1``…``9``)."""
    section: ClassVar[str | None] = None
    """The profile section it needs; without it the app shows what to add instead."""

    def __init__(self, clients: Clients, *, id: str | None = None) -> None:
        super().__init__(id=id or f"pane-{self.pane_id}")
        self.clients = clients
        """The profile's service clients, shared with every other pane of the profile."""

    @property
    def profile(self) -> Profile:
        """The profile the pane works on (read again once local services start)."""
        return self.clients.profile

    def pane_shown(self) -> None:
        """The operator switched to this pane: resume live refresh."""

    def pane_hidden(self) -> None:
        """The operator switched away: pause live refresh."""

    def apply_filter(self, text: str) -> None:
        """Filter the pane's current table by what the operator typed after ``/``."""
        self.notify("This pane has no table to filter.", severity="warning")

    def command_words(self) -> list[str]:
        """What ``:<pane_id> …`` completes with: database names, filter fields (``state=``)."""
        return []

    def open_transactions(self) -> list[str]:
        """Where the operator left a transaction open (``BEGIN`` without ``COMMIT``).

        The app asks to commit or roll these back before it quits or leaves the profile.
        """
        return []

    def end_transactions(self, *, commit: bool) -> list[str]:
        """Commit or roll back what ``open_transactions`` names; return each server's word.

        Blocking: the app calls it from a thread worker.

        Raises:
            ConsoleError: a server failed (the rest are still ended).
        """
        return []

    def run_command(self, args: str) -> None:
        """Handle ``:<pane_id> ARGS`` typed on the command line (e.g. ``state=FAILED``)."""
        if args.strip():
            self.notify(f"':{self.pane_id}' takes no arguments.", severity="warning")

    def diff_request(self) -> DiffRequest | None:
        """What ``:diff PROFILE`` compares of this pane on a second profile (``None``: nothing)."""
        return None
