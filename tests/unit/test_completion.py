"""SQL completion candidates from keywords and a database's catalog."""

from __future__ import annotations

import pytest

from console.ui.sql.completion import aliases, complete, quote_ident

CATALOG = {
    "public": {
        "devices": ["id", "uuid", "fleet_id", "is_online"],
        "fleets": ["id", "name"],
        "Mixed Case": ["Value"],
    },
    "ops": {"jobs": ["id", "state"]},
    "staging": {},
}


def texts(before: str, **kwargs: str) -> list[str]:
    return [c.text for c in complete(before, CATALOG, **kwargs)[1]]


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        pytest.param("select * from dev", ["devices"], id="table-prefix"),
        pytest.param("SELECT * FROM devices WHERE is_", ["is_online"], id="column-prefix"),
        pytest.param("select * from ops.", ["jobs"], id="schema-dot"),
        pytest.param("select * from stag", ["staging"], id="schema-without-tables"),
        pytest.param("select * from staging.", [], id="nothing-in-an-empty-schema"),
        pytest.param("select devices.fl", ["fleet_id"], id="table-dot"),
        pytest.param("select ops.jobs.st", ["state"], id="schema-table-dot"),
        pytest.param('select * from "Mix', ['"Mixed Case"'], id="quoted-prefix"),
    ],
)
def test_candidates_follow_context(before: str, expected: list[str]) -> None:
    """Completion offers what fits where the cursor is."""
    assert texts(before) == expected


def test_keywords_follow_the_typed_case() -> None:
    """`SEL` completes to `SELECT`, `sel` to `select`."""
    assert "SELECT" in texts("SEL")
    assert "select" in texts("sel")


def test_columns_rank_before_keywords() -> None:
    """Catalog names come before keywords with the same prefix."""
    found = complete("select i", CATALOG)[1]
    kinds = [c.kind for c in found]
    assert kinds.index("column") < kinds.index("keyword")
    assert found[0].text == "id"


def test_alias_resolves_to_its_table() -> None:
    """`d.` offers the columns of the table `d` stands for."""
    statement = "select d.  from devices d join fleets as f on f.id = d.fleet_id"
    assert texts("select d.", statement=statement) == ["id", "uuid", "fleet_id", "is_online"]
    assert aliases(statement) == {"d": "devices", "f": "fleets"}


def test_prefix_is_what_gets_replaced() -> None:
    """The returned prefix is the word typed so far."""
    assert complete("select * from ops.jo", CATALOG)[0] == "jo"
    assert complete("select 1 ", CATALOG) == ("", [])


def test_without_catalog_only_keywords() -> None:
    """Before the catalog loads, keywords still complete."""
    found = complete("whe", None)[1]
    assert {c.kind for c in found} == {"keyword"}
    assert {c.text for c in found} == {"where", "when"}


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("devices", "devices"), ("Mixed Case", '"Mixed Case"'), ("select", '"select"'),
     ('a"b', '"a""b"')],
)
def test_identifiers_are_quoted_only_when_needed(name: str, quoted: str) -> None:
    """Names SQL would fold or reject are double-quoted."""
    assert quote_ident(name) == quoted
