"""Values from PostgreSQL as JSON: numerics stay exact, as numbers or as their text."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from console.backends.encoding import json_default


def as_json(value: object) -> object:
    """What a JSON reader gets back after the console wrote ``value``."""
    return json.loads(json.dumps(value, default=json_default))


@pytest.mark.parametrize(
    ("value", "read_back"),
    [
        pytest.param("2.50", 2.5, id="scale-zeros-carry-no-value"),
        pytest.param("0.1", 0.1, id="short-fraction"),
        pytest.param("42", 42, id="integer"),
        pytest.param("9007199254740992", 9007199254740992, id="largest-exact-integer"),
        pytest.param("1E+20", 1e20, id="round-power-of-ten"),
        pytest.param("1E-400", "1E-400", id="underflows-a-float"),
        pytest.param("1E+400", "1E+400", id="overflows-a-float"),
        pytest.param("9007199254740993", "9007199254740993", id="integer-past-2-53"),
        pytest.param("0.12345678901234567890", "0.12345678901234567890", id="too-many-digits"),
        pytest.param("NaN", "NaN", id="not-a-number"),
    ],
)
def test_numeric_is_a_number_only_when_exact(value: str, read_back: object) -> None:
    assert as_json(Decimal(value)) == read_back


def test_every_number_written_reads_back_as_the_same_decimal() -> None:
    for text in ["1.37", "123456789012345.67", "-0.000001", "1E-7", "3.141592653589793"]:
        written = as_json(Decimal(text))
        assert isinstance(written, float)
        assert Decimal(repr(written)) == Decimal(text)
