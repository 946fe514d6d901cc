"""Themes and the app stylesheet, packaged with the console (``console/ui/themes/``).

They are read with ``importlib.resources``, so a wheel installed anywhere finds them.

A theme is a TOML file holding the fields of ``textual.theme.Theme``; the
stylesheet (``console.tcss``) names colours only through ``$variables``. A
theme file that cannot be read is reported and skipped, never fatal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields
from importlib.resources import files
from typing import TYPE_CHECKING

from textual.color import Color, ColorParseError
from textual.theme import Theme

from console.profiles.settings import COLORS

if TYPE_CHECKING:  # importlib.resources.abc is 3.11+; only the annotations need it
    from importlib.resources.abc import Traversable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

THEMES_DIR: Traversable = files(__name__)
"""The packaged themes and stylesheet."""
DEFAULT_THEME = "fleet-dark"
STYLESHEET = "console.tcss"
_COLOR_FIELDS = ("primary", "secondary", "warning", "error", "success", "accent",
                 "foreground", "background", "surface", "panel", "boost")
_FIELDS = {f.name for f in fields(Theme)}
_NOT_COLORS = ("text-style",)
"""Endings of Textual's theme variables that hold a style, not a colour."""

VARIABLE_DEFAULTS: dict[str, str] = {f"env-{color}": color for color in COLORS}
"""Fallbacks for the variables our stylesheet uses, so any theme (Textual's own too) works:
each profile colour's plain named colour."""


@dataclass
class ThemeLoadResult:
    """The themes that loaded, and why the others did not."""

    themes: list[Theme] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """One message per file that was skipped, naming the file."""


def _check_colors(data: dict[str, object]) -> None:
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError("[variables] must be a table")
    values = {k: data[k] for k in _COLOR_FIELDS if k in data} | variables
    for key, value in values.items():
        if key.endswith(_NOT_COLORS):  # e.g. block-cursor-text-style = "bold"
            continue
        text = str(value)
        colour, _, alpha = text.rpartition(" ")
        try:  # "#81a1c1 35%" (a colour and its opacity) is valid CSS for a variable
            Color.parse(colour if alpha.endswith("%") and colour else text)
        except ColorParseError as exc:
            raise ValueError(f"{key}: {exc}") from exc


def read_theme(path: Traversable) -> Theme:
    """Read one theme file.

    Raises:
        ValueError: the file is not a valid theme; the message says why.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(unknown)}")
    if not isinstance(data.get("name"), str) or "primary" not in data:
        raise ValueError("a theme needs a 'name' and a 'primary' colour")
    _check_colors(data)
    return Theme(**data)


def load_themes(directory: Traversable = THEMES_DIR) -> ThemeLoadResult:
    """Read every ``*.toml`` theme in ``directory``, skipping broken ones."""
    result = ThemeLoadResult()
    theme_files = [p for p in directory.iterdir() if p.name.endswith(".toml")]
    for path in sorted(theme_files, key=lambda p: p.name):
        try:
            result.themes.append(read_theme(path))
        except ValueError as exc:
            result.failed.append(f"{path.name}: {exc}")
    return result


def stylesheet(directory: Traversable = THEMES_DIR) -> str:
    """Return the app stylesheet's text."""
    return (directory / STYLESHEET).read_text(encoding="utf-8")
