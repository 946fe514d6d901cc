"""Find the line of a key in TOML text, for messages about a value that parsed but is wrong.

``tomllib`` returns plain dicts without positions, so a validation error knows
only the key's path (``("postgres", "port")``). This scans the text the way
TOML lays it out: ``[table]`` and ``[[array.of.tables]]`` headers, then
``key = value`` and ``dotted.key = value`` lines. It is a locator for error
messages, not a parser: the file has already parsed, so only its shape matters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

_KEY = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGNMENT = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(_KEY)
_TRIPLE = re.compile(r'"""|\'\'\'')

Path = tuple[str | int, ...]


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(_unquote(part) for part in _PART.findall(dotted))


def _unquote(part: str) -> str:
    if part[:1] == '"':
        try:  # a basic string's escapes are JSON's, bar the rare \U and \e
            return str(json.loads(part))
        except ValueError:
            return part[1:-1]
    return part[1:-1] if part[:1] == "'" else part


def _keys(text: str) -> Iterator[tuple[Path, int]]:
    """Yield the full path of every header and assignment with its 1-based line."""
    table: Path = ()
    arrays: dict[tuple[str, ...], int] = {}
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        starts_inside = in_string
        if len(_TRIPLE.findall(line)) % 2:  # a multi-line string opens or closes here
            in_string = not in_string
        if starts_inside:
            continue
        header = _HEADER.match(line)
        if header:
            names = _parts(header.group(2))
            if header.group(1) == "[[":  # each [[x]] is the next element of array x
                arrays[names] = arrays.get(names, -1) + 1
                table = (*names, arrays[names])
            else:
                table = names
            yield table, number
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            yield (*table, *_parts(assignment.group(1))), number


def line_of(text: str, path: Sequence[str | int]) -> int | None:
    """Return the line that sets ``path`` in ``text``, or the closest line that encloses it.

    A missing key points at its table's header, a list element at its key.

    Args:
        text: The TOML text.
        path: Keys (and list indexes) from the top, as a validation error reports them.

    Returns:
        The 1-based line, or ``None`` when nothing in the text leads to ``path``.
    """
    wanted = tuple(path)
    best, best_depth = None, 0
    for found, number in _keys(text):
        depth = len(found)
        if depth > best_depth and wanted[:depth] == found:
            best, best_depth = number, depth
            if depth == len(wanted):
                break
    return best
