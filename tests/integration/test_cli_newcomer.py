"""The command line behaves like a command (issue 16, item 5), read in process.

Usage errors exit 2 wherever they are found (a bad filter, an identifier that is not
one), hints name the command the operator typed (``./run …`` through the checkout's
script), and ``sql --format json`` with several statements prints one JSON document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from console import profiles
from console.cli import cli as root
from console.invocation import ENV, as_typed
from console.profiles import BalenaSettings, ProfileSettings

NOWHERE = "http://127.0.0.1:9"
"""A URL nothing answers on: a usage error must be found before anything is sent."""
TOKEN_ENV = {"FC_TEST_NEWCOMER_TOKEN": "newcomer-token-1"}


@pytest.fixture(scope="module")
def nowhere_profile() -> Iterator[str]:
    name = "cli-newcomer"
    balena = BalenaSettings(url=NOWHERE, token_env="FC_TEST_NEWCOMER_TOKEN", timeout=2)
    profiles.save_settings(name, ProfileSettings(balena=balena))
    yield name


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(root, list(args), env={**TOKEN_ENV, **(env or {})})


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["devices", "list", "--filter", "nosuch=1"], "unknown field 'nosuch'"),
        (["devices", "list", "--filter", "seen<<2026"], "is not a date"),
        (["devices", "list", "--sort", "colour"], "cannot sort by 'colour'"),
    ],
)
def test_usage_errors_found_by_the_console_exit_2(nowhere_profile: str, args: list[str],
                                                  said: str) -> None:
    result = invoke("--profile", nowhere_profile, *args)
    assert result.exit_code == 2, result.output
    assert said in result.output and "cannot reach" not in result.output


def test_a_service_that_cannot_be_reached_still_exits_1(nowhere_profile: str) -> None:
    result = invoke("--profile", nowhere_profile, "devices", "list")
    assert result.exit_code == 1 and "cannot reach balena API" in result.output


def test_hints_name_the_command_as_typed() -> None:
    hint = "start it with `fleet-console --profile x sandbox start`"
    assert as_typed(hint) == hint
    ran = CliRunner().invoke(root, ["--profile", "cli-newcomer-sbx", "sandbox", "node", "stop",
                                    "balena", "0"], env={ENV: "./run"})
    # A sandbox profile whose stand-ins do not run: the hint to start them, as typed.
    assert "`./run --profile cli-newcomer-sbx sandbox start`" in ran.output, ran.output
    assert "fleet-console" not in ran.output and ran.exit_code == 1


@pytest.fixture(scope="module", autouse=True)
def _sandbox_profile() -> None:
    profiles.save_settings("cli-newcomer-sbx", ProfileSettings(sandbox=True))


def test_sql_json_with_several_statements_is_one_document(local_pg: object) -> None:
    result = CliRunner().invoke(root, [
        "sql", "--db", "postgres", "--format", "json", "-q",
        "select 1 as one, 'a' as letter; create temp table t (a int); "
        "insert into t values (1), (2); select a from t order by a"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        [{"one": 1, "letter": "a"}],
        {"status": "CREATE TABLE"},
        {"status": "INSERT 0 2"},
        [{"a": 1}, {"a": 2}],
    ]


def test_sql_json_document_stays_whole_when_a_statement_fails(local_pg: object) -> None:
    result = CliRunner().invoke(root, ["sql", "--db", "postgres", "--format", "json", "-q",
                                       "select 1 as one; selec 2; select 3"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [[{"one": 1}]]  # what ran, and nothing after
    assert "statement 2" in result.stderr


def test_sql_json_of_one_statement_is_its_rows(local_pg: object) -> None:
    result = CliRunner().invoke(root, ["sql", "--db", "postgres", "--format", "json", "-q",
                                       "select 7 as seven;"])
    assert json.loads(result.stdout) == [{"seven": 7}]
