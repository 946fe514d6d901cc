"""Ask before destroying anything, naming exactly what will be destroyed.

Any pane can use it::

    def done(answer: Confirmation | None) -> None: ...
    self.app.push_screen(ConfirmScreen("Drop database", 'Drop database "app"?',
                                       action="Drop", force="Disconnect its sessions first"),
                         done)

Cancel has the focus, so a stray Enter never destroys anything. A caller passes
``destructive=True`` for drops, deletes, purges, deactivations and bulk state
changes: on a protected profile the screen then asks for the profile's name to
be typed, and nothing but that name goes ahead (``y`` types into the field).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static


@dataclass(frozen=True)
class Confirmation:
    """The operator said yes."""

    force: bool = False
    """Whether the force option was ticked (always ``False`` when none was offered)."""


class ConfirmScreen(ModalScreen[Confirmation | None]):
    """A yes/no question about a destructive action."""

    BINDINGS = [
        Binding("escape,n", "cancel", "Cancel", tooltip="Do nothing", id="confirm-cancel"),
        Binding("y", "confirm", "Yes", tooltip="Go ahead and destroy it", id="confirm-yes"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; max-width: 95%; height: auto; border: thick $error;
                               background: $surface; padding: 0 1; }
    ConfirmScreen .confirm--title { text-style: bold; color: $error; }
    ConfirmScreen .confirm--message { margin: 1 0; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """

    def __init__(self, title: str, message: str, *, action: str = "Delete",
                 force: str | None = None, destructive: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.action_label = action
        self.force_label = force
        self.destructive = destructive

    @property
    def protected_name(self) -> str | None:
        """The profile name to type, when the action is destructive on a protected profile."""
        profile = getattr(self.app, "profile", None)
        if not self.destructive or profile is None or not profile.settings.protected:
            return None
        return str(profile.name)

    def compose(self) -> ComposeResult:
        name = self.protected_name
        with Vertical():
            yield Static(self.title_text, classes="confirm--title", markup=False)
            yield Static(self.message, classes="confirm--message", markup=False)
            if name is not None:
                yield Static(f"Profile '{name}' is protected: type its name, then Enter.",
                             markup=False)
                yield Input(placeholder=name, id="confirm-name")
            if self.force_label:
                yield Checkbox(self.force_label, id="confirm-force")
            with Horizontal():
                yield Button("Cancel (n)", id="confirm-cancel")
                yield Button(f"{self.action_label} (y)", variant="error", id="confirm-yes")

    def on_mount(self) -> None:
        typed = self.query("#confirm-name")
        (typed.first(Input) if typed else self.query_one("#confirm-cancel", Button)).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#confirm-name")
    def _name_submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        name = self.protected_name
        if name is not None and self.query_one("#confirm-name", Input).value.strip() != name:
            self.notify(f"Type '{name}' exactly to go ahead, or Esc to cancel.",
                        title="Protected profile", severity="warning")
            return
        forced = self.query("#confirm-force")
        force = bool(forced) and forced.first(Checkbox).value
        self.dismiss(Confirmation(force=force))

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#confirm-yes")
    def _yes_pressed(self) -> None:
        self.action_confirm()
