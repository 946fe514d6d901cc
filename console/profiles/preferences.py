"""Remember a choice the operator made in the console (the theme) in the profile's settings.

Settings files are written by hand too, with comments, so one top-level key is
set in the text as it is: that line is replaced, or a new one goes above the
first setting; every other line stays as the operator wrote it. The result is
checked to load before it replaces the file, atomically.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import tomli_w

from console.profiles import locations, toml_lines
from console.profiles.settings import ProfileSettings
from console.profiles.store import ProfileInvalid, check_name, load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def with_top_level(text: str, key: str, value: str) -> str:
    """Return TOML ``text`` with top-level ``key`` set to the string ``value``."""
    assignment = tomli_w.dumps({key: value}).rstrip("\n")
    lines = text.splitlines()
    found = toml_lines.line_of(text, (key,))
    if found is not None:
        lines[found - 1] = assignment
    else:
        first = next((n for n, line in enumerate(lines)
                      if line.strip() and not line.lstrip().startswith("#")), len(lines))
        lines.insert(first, assignment)
    return "\n".join(lines) + "\n"


def remember(name: str, key: str, value: str) -> Path:
    """Set top-level ``key`` of profile ``name``'s settings to ``value``; return the file.

    Raises:
        NotFound: no profile has that name.
        ProfileInvalid: the settings would not load with that value (nothing is written),
            or the file cannot be written.
    """
    load(name)  # a missing profile is NotFound; `local` gets its file
    path = locations.settings_file(check_name(name))
    try:
        text = path.read_text(encoding="utf-8")
        updated = with_top_level(text, key, value)
        ProfileSettings.model_validate(tomllib.loads(updated))
        temporary = path.with_suffix(".tmp")
        temporary.write_text(updated, encoding="utf-8")
        os.replace(temporary, path)
    except (OSError, ValueError) as exc:  # a TOMLDecodeError or pydantic.ValidationError
        raise ProfileInvalid(f"could not save {key} in {path}: {exc}",
                             profile=name, operation=f"save {key}") from exc
    return path
