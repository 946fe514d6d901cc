"""The settings models read right input without pydantic, and anything else exactly as pydantic.

Each section checks input of exactly its fields' types itself and hands the rest
to a pydantic model built from the same fields. Whatever the input, the result
(values and their types, or the errors with their locations) must be pydantic's.
"""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from console.profiles import SERVICE_SECTIONS, ProfileSettings
from console.profiles.settings import COLORS
from console.profiles.settings_model import Section, _mirror

WRONG: list[Any] = [None, True, -2, 0, 7, 70_000, 2.5, "pink", "", "5", "true", ["x"],
                    ["h:0", 7], [], {"quit": 1}, {1: "q"}]
"""Values of any type: most are wrong for the field they land in."""

RIGHT: dict[Any, list[Any]] = {
    bool: [True, False], int: [0, 1, 50, 5432], float: [0, 3, 2.5, 120.0],
    str: [*COLORS, "db", "doc"], list[str]: [["a:1"], ["ignite-1:10800", "b:2"],
                                            ["http://crate-1:4200"], []],
    dict[str, str]: [{}, {"quit": "ctrl+q"}],
}
"""Values of each field type as a TOML file holds them (some still break a field's rule)."""


def section_input(chance: random.Random, section: type[Section]) -> dict[str, Any]:
    """Mostly right input: each field present or not, under any of its names, and now
    and then a value of another type or a key no field takes."""
    data: dict[str, Any] = {}
    for spec in section.model_fields.values():
        if chance.random() < 0.3:
            continue
        key = chance.choice(spec.keys)
        if isinstance(spec.kind, type) and issubclass(spec.kind, Section):
            data[key] = section_input(chance, spec.kind)
        elif chance.random() < 0.1:
            data[key] = chance.choice(WRONG)
        else:
            data[key] = copy.deepcopy(chance.choice(RIGHT[spec.kind]))
    if chance.random() < 0.05:
        data["bogus"] = 1
    return data


def _outcome(validate: Any, data: dict[str, Any]) -> tuple[str, Any]:
    """Values with their types (``5`` is not ``5.0``), or each error's location and kind."""
    try:
        return "ok", json.dumps(validate(data).model_dump(), sort_keys=True)
    except ValidationError as exc:
        return "invalid", [(error["loc"], error["type"]) for error in exc.errors()]


@pytest.mark.parametrize("section", [ProfileSettings, *SERVICE_SECTIONS.values()],
                         ids=lambda s: s.__name__)
def test_any_input_reads_as_pydantic_reads_it(section: type[Section]) -> None:
    chance = random.Random(17)
    outcomes = set()
    for _ in range(1500):
        data = section_input(chance, section)
        ours = _outcome(section.model_validate, data)
        assert ours == _outcome(_mirror(section).model_validate, data), data
        outcomes.add(ours[0])
    assert outcomes == {"ok", "invalid"}  # both kinds of input were tried


def test_keyword_construction_checks_as_pydantic() -> None:
    settings = ProfileSettings(color="red", postgres={"host": "db", "port": 6432})
    assert settings.postgres is not None and settings.postgres.port == 6432
    assert settings.model_copy(update={"color": "blue"}).color == "blue"
    assert settings.color == "red"  # a copy, not the same settings
    try:
        ProfileSettings(color="pink", postgres={"port": "x"})
    except ValidationError as exc:
        assert [e["loc"] for e in exc.errors()] == [("color",), ("postgres", "port")]
    else:  # pragma: no cover - the assertion that matters
        raise AssertionError("a wrong colour and port were accepted")


def test_reading_a_profile_does_not_import_pydantic() -> None:
    """Right settings of every section load in a fresh interpreter without pydantic."""
    code = (
        "import sys\nfrom console import profiles\n"
        "s = profiles.ProfileSettings.model_validate({'color': 'red', 'keymap': {'quit': 'x'},"
        " 'postgres': {'host': 'db'}, 'balena': {'url': 'http://b'},"
        " 'balsam': {'url': 'http://j'}, 'ignite': {'nodes': ['i:10800']},"
        " 'cratedb': {'servers': ['http://c:4200'], 'schema': 's'}})\n"
        "profiles.add('no-pydantic', s)\n"
        "loaded = profiles.load('no-pydantic')\n"
        "print(loaded.settings == s, loaded.settings.cratedb.schema_name,"
        " 'pydantic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "s", "False"]
