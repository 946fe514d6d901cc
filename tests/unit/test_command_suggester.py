"""The `:` line's completion, word by word, without an app."""

from __future__ import annotations

import pytest

from console.ui.command_suggester import CommandSuggester

WORDS = {"profile": ["local", "prod", "staging"], "jobs": ["state=", "site=", "tag="]}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("pro", "profile"),
        ("PRO", "PROfile"),  # what was typed stays as typed; the rest is added
        ("profile st", "profile staging"),
        ("profile pr", "profile prod"),
        ("jobs state=FAILED si", "jobs state=FAILED site="),
        ("profile", None),  # complete already: nothing to add
        ("profile ", None),  # nothing typed of the next word yet
        ("profile zz", None),
        ("sql mydb", None),  # a command that offers no words
    ],
)
async def test_completes_the_word_being_typed(typed: str, expected: str | None) -> None:
    suggester = CommandSuggester(["profile", "jobs", "sql"], lambda c: WORDS.get(c, []))
    assert await suggester.get_suggestion(typed) == expected
