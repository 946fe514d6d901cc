"""The engine-neutral records of running SQL: statements found in a text, result columns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResultColumn:
    """A column of a query result."""

    name: str
    type_name: str
    """As ``format_type`` writes it, e.g. ``timestamp with time zone``."""


@dataclass(frozen=True)
class Statement:
    """One SQL statement found in a larger text.

    ``text == sql[start:end]``: the statement without the ``;`` that ends it
    and without surrounding whitespace (leading comments stay).
    """

    text: str
    start: int
    end: int
