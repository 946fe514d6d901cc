"""The balena API v7 client: fleets, devices, releases, tags, variables (logs in ``logs``).

Each name is imported on first use, with the module it lives in: a pane that shows
fleets needs the ``Fleet`` record to draw, not httpx, until it asks for the client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_EXPORTS = {
    "client": "BalenaClient",
    "hostos": "OsRelease os_version",
    "models": "ActionResult Device DevicePage Fleet Release ServiceState ServiceVariable Tag "
              "Variable",
    "odata": "compile_filter compile_query encode_url",
}
"""Each module under ``console.backends.balena`` → the public names it holds."""
_HOME = {name: module for module, names in _EXPORTS.items() for name in names.split()}

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


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:  # a submodule (``from console.backends.balena import odata``) is imported
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
