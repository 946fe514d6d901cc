"""Type the count to go on: the guard before an action on very many things at once.

A bulk action on every job of a campaign, or on more devices than the profile's
``bulk_confirm_threshold``, first asks the operator to type how many things it
will touch. A reflexive ``y`` cannot pass it; reading the number can.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class CountScreen(ModalScreen[bool]):
    """Dismisses with ``True`` only when the exact count is typed (``3266`` or ``3,266``)."""

    BINDINGS = [
        Binding("escape", "dismiss(False)", "Cancel", tooltip="Do nothing", id="count-cancel"),
    ]
    DEFAULT_CSS = """
    CountScreen { align: center middle; }
    CountScreen > Vertical { width: 70; max-width: 95%; height: auto; border: thick $error;
                             background: $surface; padding: 0 1; }
    CountScreen #count-message { margin: 1 0; }
    """

    def __init__(self, count: int, message: str) -> None:
        super().__init__()
        self.count = count
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message, id="count-message", markup=False)
            yield Static(f"Type {self.count:,} to go on, or Esc to cancel.", markup=False)
            yield Input(placeholder="how many?", id="count-typed")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.replace(",", "").replace("_", "").strip() == str(self.count):
            self.dismiss(True)
        else:
            self.notify(f"That is not {self.count:,}: nothing was done. Esc cancels.",
                        title="Count", severity="warning")


def count_first(app: App[object], count: int, message: str, then: Callable[[], None]) -> None:
    """Ask for ``count`` to be typed, then call ``then`` (nothing happens otherwise)."""
    app.push_screen(CountScreen(count, message), lambda ok: then() if ok else None)
