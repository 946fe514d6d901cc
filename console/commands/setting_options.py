"""``--set SECTION.KEY=VALUE``: any profile setting from the command line.

``profiles add`` names the common settings as options; every other one (TLS
files, timeouts, pool sizes, a theme…) is reachable as ``--set``, so a new
environment is one command. A value reads as TOML when it is one (``true``,
``10``, ``["a:1", "b:2"]``) and as text otherwise; the result is validated as
the settings file would be, and a bad one is a usage error (exit 2).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from console.profiles import ProfileSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the oldest Python the package supports
    import tomli as tomllib

SET_HELP = ("Any setting, e.g. postgres.sslmode=require, ignite.tls=true, theme=fleet-light, "
            "cratedb.timeout=60 (repeat).")


def set_option(command: Any) -> Any:
    """Add ``--set SECTION.KEY=VALUE`` (repeatable) to a command."""
    return click.option("--set", "assignments", multiple=True, metavar="SECTION.KEY=VALUE",
                        help=SET_HELP)(command)


def apply_assignments(data: dict[str, Any], assignments: tuple[str, ...]) -> ProfileSettings:
    """Return ``data`` with each ``SECTION.KEY=VALUE`` applied, validated as settings.

    Raises:
        click.BadParameter: an assignment that is malformed or makes invalid settings.
    """
    from pydantic import ValidationError  # imported here: `--help` stays light

    from console.profiles import ProfileSettings

    merged = {key: dict(value) if isinstance(value, dict) else value
              for key, value in data.items()}
    for text in assignments:
        path, has_value, raw = text.partition("=")
        keys = path.strip().split(".")
        if not has_value or not all(keys) or len(keys) > 2:
            raise click.BadParameter(f"'{text}' must look like SECTION.KEY=VALUE or KEY=VALUE",
                                     param_hint="--set")
        target = merged
        if len(keys) == 2:
            section = merged.get(keys[0])
            target = merged[keys[0]] = dict(section) if isinstance(section, dict) else {}
        target[keys[-1]] = _value(raw.strip())
    try:
        return ProfileSettings.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise click.BadParameter(problems, param_hint="--set") from None


def _value(raw: str) -> Any:
    try:
        return tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return raw
