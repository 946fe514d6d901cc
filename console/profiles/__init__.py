"""Profiles: named environments, each with its own data directory.

The names below are imported on first use: a backend that records an audit line
(``from console.profiles import audit``) or a command's ``--help`` does not load
the settings models and the profile store with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.lazy_exports import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
