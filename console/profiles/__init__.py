"""Profiles: named environments, each with its own data directory.

The names below are imported on first use: a backend that records an audit line
(``from console.profiles import audit``) or a command's ``--help`` does not load
the settings models and the profile store with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.profiles.settings import (
        SERVICE_SECTIONS,
        BalenaSettings,
        BalsamSettings,
        CrateSettings,
        IgniteSettings,
        PostgresSettings,
        ProfileSettings,
    )
    from console.profiles.store import (
        LOCAL,
        Profile,
        ProfileInvalid,
        add,
        copy_secrets,
        default_name,
        load,
        names,
        remove,
        save_settings,
        set_default,
        set_secret,
    )

_EXPORTS = {
    "settings": "SERVICE_SECTIONS BalenaSettings BalsamSettings CrateSettings IgniteSettings "
                "PostgresSettings ProfileSettings",
    "store": "LOCAL Profile ProfileInvalid add copy_secrets default_name load names remove "
             "save_settings set_default set_secret",
}
"""Each module under ``console.profiles`` → the public names it holds."""
_HOME = {name: module for module, names in _EXPORTS.items() for name in names.split()}

__all__ = [
    "LOCAL",
    "SERVICE_SECTIONS",
    "BalenaSettings",
    "BalsamSettings",
    "CrateSettings",
    "IgniteSettings",
    "PostgresSettings",
    "Profile",
    "ProfileInvalid",
    "ProfileSettings",
    "add",
    "copy_secrets",
    "default_name",
    "load",
    "names",
    "remove",
    "save_settings",
    "set_default",
    "set_secret",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:  # a submodule (``from console.profiles import audit``) is imported as such
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
