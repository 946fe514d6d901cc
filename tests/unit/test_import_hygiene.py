"""The backend, profile and sandbox layers never import the TUI."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["console.backends", "console.profiles", "console.sandbox.control"]
)
def test_layer_imports_without_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_cli_subcommand_does_not_import_textual() -> None:
    """`fleet-console profiles list` must stay quick: no Textual import."""
    code = (
        "import sys\nfrom console.cli import cli\n"
        "try:\n    cli.main(['profiles','list'], standalone_mode=False)\nexcept SystemExit: pass\n"
        "print('TEXTUAL', 'textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "TEXTUAL False" in out.stdout
