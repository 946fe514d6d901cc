"""Query parameters: ``%(name)s`` placeholders, bound by the driver, never pasted in.

psycopg2 substitutes placeholders anywhere in the text it is given, string
literals and comments included, and once parameters are given a literal
``%`` must be written ``%%``. These helpers follow the driver's rules, so the
names they find are exactly the ones it will ask for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from console.errors import BadQuery

_PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?(?P<kind>.)?", re.DOTALL)


def parameter_names(statement: str) -> list[str]:
    """The names of a statement's ``%(name)s`` placeholders, each once, in order.

    ``%%`` is a literal percent sign; positional ``%s`` placeholders are not
    named and not listed (see ``check_parameters``).
    """
    names: list[str] = []
    for match in _PLACEHOLDER.finditer(statement):
        name = match.group("name")
        if name is not None and match.group("kind") == "s" and name not in names:
            names.append(name)
    return names


def check_parameters(statement: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
    """The values a statement needs (``None`` if it has no placeholders), checked.

    Raises:
        BadQuery: a placeholder has no value, a lone ``%`` would be misread
            (write ``%%``), or the statement mixes in positional ``%s``.
    """
    names = parameter_names(statement)
    if not names:
        return None
    for match in _PLACEHOLDER.finditer(statement):
        kind, name = match.group("kind"), match.group("name")
        if kind == "%" and name is None:
            continue
        if name is None and kind == "s":
            raise BadQuery("use named placeholders only, like %(id)s, not %s",
                           operation="bind parameters")
        if name is None or kind != "s":
            raise BadQuery(f"a literal % at offset {match.start() + 1} must be written %% "
                           "in a statement with parameters", position=match.start() + 1,
                           operation="bind parameters")
    missing = [name for name in names if name not in values]
    if missing:
        raise BadQuery(f"no value for parameter {', '.join(missing)}: give --param "
                       f"{missing[0]}=VALUE", operation="bind parameters")
    return {name: values[name] for name in names}


def parse_parameter(text: str) -> tuple[str, str]:
    """Split ``name=value`` (the value may hold ``=``; it is passed as text).

    Raises:
        BadQuery: no ``=``, or an empty name.
    """
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise BadQuery(f"parameter {text!r} is not NAME=VALUE", operation="bind parameters")
    return name.strip(), value
