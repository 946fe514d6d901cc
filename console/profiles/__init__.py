"""Profiles: named environments, each with its own data directory."""

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
