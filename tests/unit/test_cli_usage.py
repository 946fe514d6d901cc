"""Bad usage of the jobs, batch-jobs, fleets and devices commands is exit 2, before any
request (click's own usage errors, read in process: no service is asked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from console.cli import cli


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["jobs", "list", "--tag", "nocolon"], "must look like KEY:VALUE"),
        (["jobs", "list", "--since", "yesterday"], "needs a time like 2026-01-15"),
        (["jobs", "create", "--app", "Analyze"], "give --app and --workdir"),
        (["jobs", "create", "--app", "A", "--workdir", "w", "--param", "x"], "KEY=VALUE"),
        (["jobs", "update", "--tag", "a:b"], "give --set-state STATE or --set"),
        (["jobs", "update", "--tag", "a:b", "--set", "colour=red"], "no updatable field"),
        (["jobs", "update", "--tag", "a:b", "--set", "num_nodes=0"], "at least 1"),
        (["jobs", "tag", "--tag", "a:b", "--add", "x"], "KEY:VALUE"),
        (
            [
                "batch-jobs",
                "submit",
                "--site",
                "1",
                "--queue",
                "q",
                "--project",
                "p",
                "--nodes",
                "1",
                "--wall-time",
                "5",
                "--job-mode",
                "threads",
            ],
            "threads",
        ),
        (["devices", "restart", "1", "--force"], "No such option"),
        (["devices", "purge", "1", "--force"], "No such option"),
        (["devices", "blink", "1", "--force"], "No such option"),
        (["fleets", "set-var", "acme/x", "A", "b", "--config", "--service", "s"], "not both"),
        (["devices", "list", "--select", " , "], "at least one field"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, list) else None,
)
def test_bad_usage_is_exit_2_with_a_reason(args: list[str], said: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert said in result.output


def test_create_from_a_file_and_from_options_at_once_is_bad_usage(tmp_path: Path) -> None:
    listed = tmp_path / "jobs.json"
    listed.write_text("[]")
    result = CliRunner().invoke(cli, ["jobs", "create", "--from", str(listed), "--app", "A"])
    assert result.exit_code == 2 and "not both" in result.output


def test_force_is_offered_on_reboot_and_shutdown() -> None:
    for action in ("reboot", "shutdown"):
        assert "--force" in CliRunner().invoke(cli, ["devices", action, "--help"]).output
