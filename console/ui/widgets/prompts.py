"""Small modal questions: pick one of a list, or type a name."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

_FRAME = """
    {name} {{ align: center middle; }}
    {name} > Vertical {{ width: 70; max-width: 95%; height: auto; max-height: 90%;
                        border: round $primary; background: $surface; padding: 0 1; }}
    {name} OptionList {{ height: auto; max-height: 14; }}
"""


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one value from a list; dismisses with it, or ``None``."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", tooltip="Choose nothing", id="choice-cancel"),
    ]
    DEFAULT_CSS = _FRAME.format(name="ChoiceScreen")

    def __init__(self, title: str, choices: list[tuple[str, str]], current: str | None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        """``(value, label)`` pairs."""
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, markup=False)
            yield OptionList(*(Option(label, id=value) for value, label in self.choices),
                             markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for value, _ in self.choices]
        if self.current in values:
            options.highlighted = values.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text (a name, a path); dismisses with it, or ``None``."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", tooltip="Cancel", id="prompt-cancel"),
    ]
    DEFAULT_CSS = _FRAME.format(name="TextPrompt")

    def __init__(self, title: str, *, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("Enter accepts, Esc cancels.", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(value or None)
