"""``fleet-console diff``: exit 0 equal, 1 differ or failed (told apart by --json), 2 usage."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import run_cli, scratch_database
from tests.diff_env import Pair, Services, balena_pair, balsam_pair, profile_pair

STAGING = ("create table items (id int primary key, name text, qty int)",
           "insert into items values (1, 'apple', 3), (2, 'pear', 5), (4, 'kiwi', 7)")
PRODUCTION = ("create table items (id int primary key, name text, qty int)",
              "insert into items values (1, 'apple', 3), (2, 'pear', 6), (5, 'plum', 1)")


@pytest.fixture(scope="module")
def pair(local_pg: object) -> Iterator[Pair]:
    """``diffcli-staging`` and ``diffcli-prod``: a database, a balena and a Balsam each."""
    socket_dir = str(local_pg.socket_dir)  # type: ignore[attr-defined]
    with scratch_database("diff_cli_staging", *STAGING), \
            scratch_database("diff_cli_prod", *PRODUCTION), \
            balena_pair() as (balena_a, balena_b), balsam_pair() as (balsam_a, balsam_b), \
            profile_pair("diffcli",
                         Services(socket_dir, "diff_cli_staging", balena_a.url, balsam_a.url),
                         Services(socket_dir, "diff_cli_prod", balena_b.url, balsam_b.url)
                         ) as found:
        yield found


def diff(pair: Pair, *args: str) -> tuple[int, str, str]:
    done = run_cli("diff", pair.a, pair.b, *args)
    return done.returncode, done.stdout, done.stderr


def test_equal_results_exit_0(pair: Pair) -> None:
    code, out, _ = diff(pair, "sql", "-q", "select id, name from items where id < 3")
    assert code == 0
    assert "no differences · 2 the same" in out


def test_differing_results_exit_1_and_show_each_difference(pair: Pair) -> None:
    code, out, err = diff(pair, "sql", "-q", "select * from items")
    assert code == 1 and err == ""
    assert "matched by primary key (id)" in out
    assert "1 only in diffcli-staging · 1 only in diffcli-prod · 1 differ · 1 the same" in out
    lines = out.splitlines()
    assert any(line.startswith("~") and "5 → 6 (+1)" in line for line in lines)
    assert any(line.startswith("<") and "kiwi" in line for line in lines)
    assert any(line.startswith(">") and "plum" in line for line in lines)


def test_json_says_equal_false_with_the_rows(pair: Pair) -> None:
    code, out, _ = diff(pair, "sql", "-q", "select * from items", "--key", "name", "--json")
    data = json.loads(out)
    assert code == 1 and data["equal"] is False
    assert data["counts"] == {"only_a": 1, "only_b": 1, "differ": 1, "same": 1}
    assert data["key"] == ["name"]
    changed = next(r for r in data["rows"] if r["state"] == "differ")
    assert changed["differs"] == ["qty"] and changed["delta"] == {"qty": 1}


def test_a_service_failure_exits_1_with_an_error_object(pair: Pair) -> None:
    """A failure is not a difference: --json prints an error, never ``equal``."""
    code, out, err = diff(pair, "sql", "-q", "select * from items", "--db", "nowhere",
                          "--json")
    data = json.loads(out)
    assert code == 1 and "equal" not in data
    assert data["error"]["profile"] == "diffcli-staging"
    assert "nowhere" in data["error"]["message"] and "nowhere" in err


@pytest.mark.parametrize("args, words", [
    (("sql", "-q", "drop table items"), "nothing was sent"),
    (("devices", "--filter", "colour=red"), "unknown field 'colour'"),
], ids=["write", "bad-filter"])
def test_bad_usage_exits_2(pair: Pair, args: tuple[str, ...], words: str) -> None:
    code, _, err = diff(pair, *args)
    assert code == 2 and words in err


def test_an_unknown_profile_is_bad_usage() -> None:
    done = run_cli("diff", "local", "nosuchprofile", "jobs-summary")
    assert done.returncode == 2 and "no profile named 'nosuchprofile'" in done.stderr


def test_devices_json(pair: Pair) -> None:
    code, out, _ = diff(pair, "devices", "--filter", "fleet=acme/gateways", "--json")
    data = json.loads(out)
    assert code == 1 and data["counts"]["only_a"] == 1
    assert "uuids differ" in data["matched_by"]
    assert {r["key"]["name"] for r in data["rows"] if r["state"] == "only-b"} == {"gw-900"}


def test_jobs_summary_of_a_profile_against_itself_exits_0(pair: Pair) -> None:
    done = run_cli("diff", pair.a, pair.a, "jobs-summary")
    assert done.returncode == 0 and "no differences" in done.stdout


def test_jobs_summary_differences_show_the_change(pair: Pair) -> None:
    code, out, _ = diff(pair, "jobs-summary")
    assert code == 1
    assert any(line.startswith("~") and "→" in line and "(" in line for line in out.splitlines())
