"""Pick the environment (profile) to switch to: one key, a list, Enter."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class ProfileChoice:
    """One line of the picker."""

    name: str
    color: str
    description: str
    read_only: bool

    def label(self) -> str:
        flags = " · read-only" if self.read_only else ""
        about = f" — {self.description}" if self.description else ""
        return f"● {self.name} ({self.color}{flags}){about}"


class ProfilePicker(ModalScreen[str | None]):
    """A list of profiles; dismisses with the chosen name, or ``None``."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", tooltip="Keep the current profile",
                id="profile-picker-cancel"),
    ]
    DEFAULT_CSS = """
    ProfilePicker { align: center middle; }
    ProfilePicker > Vertical { width: 80%; max-width: 90; height: auto; max-height: 80%;
                               border: round $primary; background: $surface; padding: 0 1; }
    ProfilePicker OptionList { height: auto; max-height: 16; }
    """

    def __init__(self, choices: list[ProfileChoice], current: str) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Switch environment (Enter picks, Esc cancels)", markup=False)
            yield OptionList(
                *(Option(choice.label(), id=choice.name) for choice in self.choices),
                id="profile-options",
                markup=False,
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [choice.name for choice in self.choices]
        if self.current in names:
            options.highlighted = names.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
