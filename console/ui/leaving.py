"""Before the console quits or leaves a profile: settle the transactions left open.

An operator who typed ``BEGIN`` and then quits would otherwise lose the work
silently (closing the connection rolls it back) or, worse, believe it was kept.
The console names the open blocks and asks: commit, roll back, or stay. Escape
and a stray Enter stay: nothing is decided for the operator.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from console.ui.panes.base import Pane

COMMIT = "commit"
ROLLBACK = "rollback"


def open_transactions(panes: list[Pane]) -> dict[Pane, list[str]]:
    """Each pane that holds open transactions, with where they are."""
    found = {}
    for pane in panes:
        blocks = pane.open_transactions()
        if blocks:
            found[pane] = blocks
    return found


class TransactionPrompt(ModalScreen[str | None]):
    """Commit, roll back, or stay: the answer is ``COMMIT``, ``ROLLBACK`` or ``None``."""

    help_title = "Open transaction"
    BINDINGS = [
        Binding("escape", "stay", "Stay", tooltip="Go back; the transaction stays open",
                id="leave-stay"),
        Binding("c", "commit", "Commit", tooltip="Commit, then go", id="leave-commit"),
        Binding("r", "rollback", "Roll back", tooltip="Roll back, then go", id="leave-rollback"),
    ]
    DEFAULT_CSS = """
    TransactionPrompt { align: center middle; }
    TransactionPrompt > Vertical { width: 70; max-width: 95%; height: auto;
                                   border: thick $warning; background: $surface;
                                   padding: 0 1; }
    TransactionPrompt .leave--title { text-style: bold; color: $warning; }
    TransactionPrompt .leave--message { margin: 1 0; }
    TransactionPrompt Horizontal { height: auto; align-horizontal: right; }
    TransactionPrompt Button { margin-left: 2; }
    """

    def __init__(self, where: list[str], leaving: str) -> None:
        super().__init__()
        self.where = where
        self.leaving = leaving
        """What the operator is about to do: ``quit`` or ``switch to profile 'prod'``."""

    @property
    def message(self) -> str:
        blocks = "a transaction is" if len(self.where) == 1 else "transactions are"
        return (f"Before you {self.leaving}: {blocks} still open in {', '.join(self.where)}. "
                "Closing the connection would roll back what it did.")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Open transaction", classes="leave--title")
            yield Static(self.message, classes="leave--message", markup=False)
            with Horizontal():
                yield Button("Stay", id="leave-stay")
                yield Button("Roll back", id="leave-rollback", variant="warning")
                yield Button("Commit", id="leave-commit", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#leave-stay", Button).focus()

    def action_stay(self) -> None:
        self.dismiss(None)

    def action_commit(self) -> None:
        self.dismiss(COMMIT)

    def action_rollback(self) -> None:
        self.dismiss(ROLLBACK)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        answers = {"leave-commit": COMMIT, "leave-rollback": ROLLBACK}
        self.dismiss(answers.get(event.button.id or ""))
