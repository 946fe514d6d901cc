"""The backend, profile and sandbox layers never import the TUI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CLIENT_MODULES = [
    "console.backends.postgres",
    "console.backends.balena",
    "console.backends.balena.logs",
    "console.backends.balsam",
    "console.profiles",
    "console.profiles.history",
]
"""Modules the walk below must reach, so an empty package cannot pass for a clean one."""

_WALK = """
import importlib, json, pkgutil, sys, types

# httpx imports rich for its own command line (httpx._main) whenever rich is installed,
# as it is beside textual; that is the library's, so a stand-in takes its place here
cli_stub = types.ModuleType("httpx._main")
cli_stub.main = lambda: None
sys.modules["httpx._main"] = cli_stub
imported = []
for root in {roots!r}:
    package = importlib.import_module(root)
    imported.append(root)
    for info in pkgutil.walk_packages(getattr(package, "__path__", []), root + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
print(json.dumps({{"imported": imported, "ui": ui}}))
"""


def _import_in_fresh_process(*roots: str) -> dict[str, list[str]]:
    """Import ``roots`` and every module under them in a new interpreter.

    Returns:
        ``imported``: the modules walked; ``ui``: the textual and rich modules loaded.
    """
    code = _WALK.format(roots=list(roots))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_the_check_sees_a_ui_import() -> None:
    """The walk reports textual when a module imports it, so a clean result means something."""
    found = _import_in_fresh_process("console.ui.filter_bar")
    assert {"textual", "rich"} <= set(found["ui"])


def test_every_backend_and_profile_module_imports_without_textual() -> None:
    found = _import_in_fresh_process("console.backends", "console.profiles")
    assert set(CLIENT_MODULES) <= set(found["imported"])
    assert found["ui"] == []


@pytest.mark.parametrize("module", CLIENT_MODULES)
def test_each_client_alone_imports_without_textual(module: str) -> None:
    """Each client on its own, as a script that needs only that service would import it."""
    assert _import_in_fresh_process(module)["ui"] == []


def test_sandbox_control_imports_without_textual() -> None:
    assert _import_in_fresh_process("console.sandbox.control")["ui"] == []


def test_cli_subcommand_does_not_import_textual() -> None:
    """`fleet-console profiles list` must stay quick: no Textual import."""
    code = (
        "import sys\nfrom console.cli import cli\n"
        "try:\n    cli.main(['profiles','list'], standalone_mode=False)\nexcept SystemExit: pass\n"
        "print('TEXTUAL', 'textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "TEXTUAL False" in out.stdout
