"""Every library the package imports is one `pip install` brings: declared, not borrowed.

The wheel test installs the wheel beside the test environment's libraries (a full
resolve took most of a minute of the suite), so a library imported by the code but
only present as a development tool would slip through there; this reads every
``import`` of the package and checks its distribution is a runtime requirement.
"""

from __future__ import annotations

import ast
import functools
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

PACKAGE = Path(__file__).resolve().parents[2] / "console"
NEWER_STDLIB = {"tomllib"}
"""In the standard library of the newer Pythons the package supports (imported there only)."""


@functools.cache
def imported_top_levels() -> dict[str, str]:
    """Top-level module → one file of the package that imports it (absolute imports)."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], str(path.relative_to(PACKAGE.parent)))
    return found


def runtime_requirements() -> set[str]:
    """Normalised names of what ``pip install fleet-console`` installs on some Python
    (no extras: ``tomli`` counts, for the versions that need it)."""
    declared = set()
    for text in metadata.requires("fleet-console") or []:
        requirement = Requirement(text)
        if requirement.marker is None or "extra" not in str(requirement.marker):
            declared.add(_normalised(requirement.name))
    return declared


def _normalised(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def test_every_third_party_import_is_a_runtime_requirement() -> None:
    providers = metadata.packages_distributions()
    declared = runtime_requirements()
    undeclared = {}
    for module, where in imported_top_levels().items():
        if module in sys.stdlib_module_names or module in NEWER_STDLIB or module == "console":
            continue
        distributions = {_normalised(d) for d in providers.get(module, [module])}
        if not distributions & declared:
            undeclared[module] = (sorted(distributions) or ["not installed"], where)
    assert not undeclared, f"imported but not required by the package: {undeclared}"


def test_the_check_sees_what_the_code_imports() -> None:
    # top-level, nested (inside functions) and `from x.y import z` imports alike
    assert {"pyarrow", "rich", "textual", "psycopg2", "pyignite"} <= set(imported_top_levels())
