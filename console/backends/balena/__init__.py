"""The balena API v7 client: fleets, devices, releases, tags, variables (logs in ``logs``).

Each name is imported on first use, with the module it lives in: a pane that shows
fleets needs the ``Fleet`` record to draw, not httpx, until it asks for the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.lazy_exports import lazy_exports

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


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
