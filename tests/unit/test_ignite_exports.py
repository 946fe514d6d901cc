"""The Ignite backend's public surface: what the UI, the CLI and the SQL editor import."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import console.backends.ignite as ignite
from console.backends.sql import SqlEngine

PROMISED = {
    "IgniteClient", "IgniteEngine", "CacheInfo", "CacheSpec", "ClusterInfo", "Entry",
    "NodeStatus", "CacheScan", "SqlCursor", "Typed", "typed", "map_ignite_errors", "preview",
    "tree", "type_name", "TYPES",
}


def test_all_is_sorted_and_importable() -> None:
    constants_first = sorted(ignite.__all__, key=lambda name: (not name.isupper(), name))
    assert ignite.__all__ == constants_first
    for name in ignite.__all__:
        assert getattr(ignite, name) is not None


def test_promised_names_are_exported() -> None:
    assert set(ignite.__all__) >= PROMISED


def test_records_are_frozen_dataclasses() -> None:
    for record in (ignite.CacheInfo, ignite.CacheSpec, ignite.NodeStatus, ignite.Entry,
                   ignite.Typed, ignite.ClusterInfo):
        assert dataclasses.is_dataclass(record)
        assert record.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_engine_class_has_what_the_editor_calls() -> None:
    for name in ("targets", "default_target", "session", "catalog", "split"):
        assert callable(getattr(ignite.IgniteEngine, name))
    assert ignite.IgniteEngine.name == "ignite"
    assert SqlEngine is not None


def test_cli_help_does_not_import_pyignite() -> None:
    """`fleet-console --help` stays fast: pyignite is imported only by the cache command."""
    code = ("import sys; from console.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('pyignite' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip().endswith("False")
