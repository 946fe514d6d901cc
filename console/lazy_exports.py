"""Package names imported on first use (PEP 562), for packages whose modules are costly.

A package lists which of its modules holds each public name; ``from pkg import
Name`` then imports that module only when ``Name`` is first asked for, so a
command that needs one name does not pay for the rest::

    __getattr__, __dir__ = lazy_exports(__name__, globals(), {"store": "load names"})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, namespace: dict[str, Any], exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return the package's ``__getattr__`` and ``__dir__``.

    Args:
        package: The package's ``__name__``.
        namespace: The package's ``globals()``: a name, once imported, is kept there.
        exports: Each module → its public names, space-separated; a module under the
            package by its own name (``store``), any other by its full name
            (``console.backends.sql``).
    """
    homes = {name: module for module, names in exports.items() for name in names.split()}

    def getattr_(name: str) -> Any:
        home = homes.get(name)
        if home is None:  # a submodule (``from pkg import sub``) is imported as such
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = home if "." in home else f"{package}.{home}"
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *homes})

    return getattr_, dir_
