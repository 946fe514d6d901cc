"""The ``:`` command line: ``:sql``, ``:db``, ``:<pane> ARGS``, ``:profile NAME``, ``:quit``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from console.ui.command_suggester import CommandSuggester
from console.ui.widgets.popup_input import PopupInput

BUILTINS = ("profile", "diff", "audit", "help", "quit")
"""Commands that are not pane names."""


@dataclass(frozen=True)
class Command:
    """What the operator typed after ``:``, split into a name and its arguments."""

    name: str
    args: str = ""


def parse(text: str) -> Command | None:
    """Split ``:name args`` into a command; ``None`` for an empty line."""
    text = text.strip().removeprefix(":").strip()
    if not text:
        return None
    name, _, args = text.partition(" ")
    return Command(name.lower(), args.strip())


class CommandLine(PopupInput):
    """A one-line prompt at the bottom of the screen, shown by ``:``."""

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the command line", id="command-close"),
    ]

    @dataclass
    class Entered(Message):
        """The operator entered a command."""

        command: Command

    class Closed(Message):
        """The command line was closed without a command."""

    def __init__(self, names: list[str],
                 words_for: Callable[[str], list[str]] = lambda command: []) -> None:
        """``names``: the panes' commands; ``words_for(command)``: what may follow one."""
        super().__init__(
            placeholder=":sql · :db · :jobs state=FAILED · :profile NAME · :quit",
            suggester=CommandSuggester([*names, *BUILTINS], words_for),
            id="command-line",
        )

    def open(self) -> None:
        """Show the prompt, empty, with focus."""
        self.value = ""
        self.show_focused()

    def action_close(self) -> None:
        self.hide()
        self.post_message(self.Closed())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        command = parse(event.value)
        self.hide()
        if command is None:
            self.post_message(self.Closed())
        else:
            self.post_message(self.Entered(command))
