"""The balena API v7 client: fleets, devices, releases, tags, variables (logs in ``logs``)."""

from console.backends.balena.client import BalenaClient
from console.backends.balena.hostos import OsRelease, os_version
from console.backends.balena.models import (
    ActionResult,
    Device,
    DevicePage,
    Fleet,
    Release,
    ServiceState,
    ServiceVariable,
    Tag,
    Variable,
)
from console.backends.balena.odata import compile_filter, compile_query, encode_url

__all__ = [
    "ActionResult",
    "BalenaClient",
    "Device",
    "DevicePage",
    "Fleet",
    "OsRelease",
    "Release",
    "ServiceState",
    "ServiceVariable",
    "Tag",
    "Variable",
    "compile_filter",
    "compile_query",
    "encode_url",
    "os_version",
]
