"""Completion for the ``:`` command line, word by word.

The first word completes to a pane or built-in command; the words after it to
what that command takes: profile names after ``:profile`` and ``:diff``, and
what the pane itself offers after a pane's name (database names after ``:sql``
and ``:db``, filter fields after ``:devices`` and ``:jobs``). The completion
shows as ghost text that Right accepts, as in the SQL editor.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.suggester import Suggester


class CommandSuggester(Suggester):
    """Suggest the rest of the word being typed."""

    def __init__(self, commands: list[str], words_for: Callable[[str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.commands = commands
        """Every first word: pane names, their aliases and the built-ins."""
        self.words_for = words_for
        """What may follow a command (asked at each key: the lists change)."""

    async def get_suggestion(self, value: str) -> str | None:
        start = value.rfind(" ") + 1
        typed = value[start:]
        if not typed:
            return None
        command = value.split(" ", 1)[0].lower()
        candidates = self.commands if start == 0 else self.words_for(command)
        return _completed(value[:start], typed, candidates)


def _completed(before: str, typed: str, candidates: list[str]) -> str | None:
    """``before + typed`` with the rest of the first candidate ``typed`` begins (any case)."""
    folded = typed.casefold()
    for candidate in candidates:
        if candidate.casefold().startswith(folded) and len(candidate) > len(typed):
            return before + typed + candidate[len(typed):]
    return None
