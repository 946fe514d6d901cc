"""`fleet-console logs` end to end: the CLI in a subprocess against the balena stand-in app."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from console.sandbox.serve import ServerThread

TOKEN = "cli-logs-token-0c0ffee"
PROFILE = "logscli"


@pytest.fixture(scope="module")
def stand_in() -> Iterator[tuple[ServerThread, Any]]:
    from console.sandbox.balena.app import create_app

    app = create_app(token=TOKEN, devices=12, simulate=False)
    with ServerThread(app) as server:
        yield server, app.state.balena


@pytest.fixture(scope="module")
def device(stand_in: tuple[ServerThread, Any], fleet_home: object) -> dict[str, Any]:
    server, state = stand_in
    subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "profiles",
            "add",
            PROFILE,
            "--balena-url",
            server.url,
            "--balena-token-env",
            "LOGS_CLI_TOKEN",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    row = sorted(state.store.rows("device"), key=lambda d: d["id"])[0]
    for i in range(5):
        state.hub.append(
            row["uuid"], f"cli line {i}", service_id=3, timestamp_ms=1_700_000_000_000 + i
        )
    return dict(row)


def logs_cli(cli: Any, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    return cli("-p", PROFILE, "logs", *args, env={"LOGS_CLI_TOKEN": token})


def test_tail_json_lines_by_short_uuid(cli: Any, device: dict[str, Any]) -> None:
    result = logs_cli(cli, device["uuid"][:7], "--tail", "3", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["message"] for r in rows] == ["cli line 2", "cli line 3", "cli line 4"]
    assert all(r["uuid"] == device["uuid"] and r["serviceId"] == 3 for r in rows)


def test_text_output_by_numeric_id(cli: Any, device: dict[str, Any]) -> None:
    result = logs_cli(cli, str(device["id"]), "--tail", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2023-11-14T22:13:20.004Z [svc 3] cli line 4"


def test_wrong_token_is_exit_1_with_a_clear_message(cli: Any, device: dict[str, Any]) -> None:
    wrong = "wrong-cli-token-3a3a"
    result = logs_cli(cli, device["uuid"], token=wrong)
    assert result.returncode == 1
    assert "401" in result.stderr or "token" in result.stderr.lower()
    assert wrong not in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_unknown_device_is_exit_1(cli: Any, device: dict[str, Any]) -> None:
    result = logs_cli(cli, "fffffff0")
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_follow_prints_lines_as_they_come(
    stand_in: tuple[ServerThread, Any], device: dict[str, Any]
) -> None:
    _, state = stand_in
    command = [
        sys.executable,
        "-m",
        "console",
        "-p",
        PROFILE,
        "logs",
        device["uuid"],
        "--tail",
        "0",
        "--follow",
        "--json",
    ]
    import os

    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "LOGS_CLI_TOKEN": TOKEN},
    )
    try:
        for _ in range(200):
            if state.hub.subscriber_count(device["uuid"]):
                break
            time.sleep(0.05)
        state.hub.append(device["uuid"], "followed line", service_id=3)
        assert proc.stdout is not None
        first = json.loads(proc.stdout.readline())
        assert first["message"] == "followed line"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
