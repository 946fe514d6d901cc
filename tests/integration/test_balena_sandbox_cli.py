"""`fleet-console sandbox start --devices N --log-rate R` on a fresh home, read back by the CLI.

The sandbox runs for the `local` profile of a home of its own (what a first run on a new
machine sees), so the seed size and the log rate come from the options alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.homes import fresh_home

DEVICES = 50
LOG_RATE = 40.0
"""Lines per second per online device asked for; the stand-in's default is 1."""
STARTED_MS: list[float] = []
"""When the module's sandbox was started."""


@pytest.fixture(scope="module")
def home() -> Iterator[dict[str, str]]:
    from tests.conftest import run_cli

    with fresh_home() as folder:
        env = {"FLEET_CONSOLE_HOME": str(folder)}
        STARTED_MS.append(time.time() * 1000)
        started = run_cli(
            "sandbox", "start", "--devices", str(DEVICES), "--log-rate", str(LOG_RATE), env=env
        )
        try:
            assert started.returncode == 0, started.stderr
            yield env
        finally:
            stopped = run_cli("sandbox", "stop", "--json", env=env)
            assert stopped.returncode == 0, stopped.stderr


def _json(cli: Any, env: dict[str, str], *args: str) -> Any:
    out = cli(*args, "--json", env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else []


# First: at 40 lines/s the seeded history leaves the newest 1000 lines after ~25 s,
# which a loaded machine spends on the tests before it.
def test_a_followed_device_shows_its_past_first(cli, home: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    from console.sandbox.balena.app import LOG_HISTORY

    online = _json(cli, home, "devices", "list", "--filter", "online", "--select", "id")
    out = cli("logs", str(online[-1]["id"]), "--tail", "1000", "--json", env=home)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    past = [line for line in lines if line["createdAt"] < STARTED_MS[0]]
    assert len(past) == LOG_HISTORY  # written before the sandbox ran: its seeded history


def test_devices_option_seeds_that_many(cli, home: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    devices = _json(cli, home, "devices", "list", "--limit", "1000")
    assert len(devices) == DEVICES
    assert len({d["uuid"] for d in devices}) == DEVICES
    fleets = _json(cli, home, "fleets", "list")
    assert sum(f["device_count"] for f in fleets) == DEVICES


def test_log_rate_option_sets_how_fast_devices_write(cli, home: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    online = _json(cli, home, "devices", "list", "--filter", "online", "--select", "id")
    assert online, "the seed has no online device"
    device = str(online[0]["id"])
    # Lines from now on: the sandbox's devices also come with past logs, minutes apart.
    since_ms = time.time() * 1000
    lines: list[dict[str, Any]] = []
    for _ in range(60):  # a guard against a sandbox that never writes, not a deadline
        out = cli("logs", device, "--tail", "1000", "--json", env=home)
        assert out.returncode == 0, out.stderr
        lines = [json.loads(line) for line in out.stdout.splitlines()]
        written = [
            line for line in lines if not line["isSystem"] and line["createdAt"] >= since_ms
        ]
        # One second's worth: short, so the simulator seldom takes the device offline first.
        if len(written) >= LOG_RATE:
            break
    else:
        pytest.fail(f"only {len(lines)} log line(s) after 60 reads")
    # The rate by the stand-in's own clock (createdAt), not by how fast this test ran:
    # the default of 1 line/s would need minutes to write this many.
    span = (written[-1]["createdAt"] - written[0]["createdAt"]) / 1000
    assert (len(written) - 1) / max(span, 0.001) > LOG_RATE / 8
