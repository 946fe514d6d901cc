"""What proves a process is a profile's own, and where the embedded server's socket goes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import psutil
import pytest

from console.profiles import locations
from console.sandbox import ownership, runtime


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([sys.executable, "-m", "console.sandbox.supervisor", "--profile", "local"], True),
        (["python", "/x/console/sandbox/supervisor.py", "--profile", "local", "--options", "{}"],
         True),
        ([sys.executable, "-m", "console.sandbox.supervisor", "--profile", "local2"], False),
        ([sys.executable, "-m", "console.sandbox.supervisor", "--profile"], False),
        (["vim", "console.sandbox.supervisor --profile local"], False),
        (["bash"], False),
        ([], False),
    ],
    ids=["module", "script", "other-profile", "no-name", "one-word", "other-program", "empty"],
)
def test_the_command_line_must_run_this_profiles_supervisor(
    command: list[str], expected: bool
) -> None:
    assert ownership.runs_supervisor(command, "local") is expected


@pytest.mark.parametrize(
    "text",
    ["", "1234", "not json", '{"pid": 12}', '{"pid": "x", "create_time": 1}',
     '{"pid": 0, "create_time": 1}', '{"pid": 5, "create_time": "nan"}', "[1, 2]"],
    ids=["empty", "bare-pid", "junk", "no-time", "bad-pid", "pid-zero", "nan-time", "list"],
)
def test_a_pid_file_that_proves_nothing_is_no_claim(tmp_path: Path, text: str) -> None:
    (tmp_path / "supervisor.pid").write_text(text)
    assert ownership.read_claim(tmp_path / "supervisor.pid") is None


def test_a_claim_holds_only_for_the_process_started_at_that_time(tmp_path: Path) -> None:
    path = tmp_path / "supervisor.pid"
    claim = ownership.write_claim(path, os.getpid())
    assert ownership.read_claim(path) == claim
    assert json.loads(path.read_text())["create_time"] == psutil.Process().create_time()
    # This test process is not a supervisor: the right start time is not enough.
    assert ownership.proven(claim, "local") is None


def test_a_deep_home_gets_a_runtime_directory_short_enough_for_sockets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    monkeypatch.setenv(locations.HOME_ENV, str(deep))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep / "unused"))
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    runtime.prepare()
    chosen = Path(os.environ["XDG_RUNTIME_DIR"])
    assert len(str(chosen) + runtime.SOCKET_TAIL) <= runtime.MAX_SOCKET_PATH
    assert chosen.stat().st_mode & 0o777 == 0o700 and chosen.stat().st_uid == os.getuid()
    runtime.prepare()  # a second call keeps it
    assert Path(os.environ["XDG_RUNTIME_DIR"]) == chosen
    chosen.rmdir()


def test_a_short_home_keeps_its_runtime_directory_inside(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = Path("/tmp") / f"fc-{os.getpid()}"
    monkeypatch.setenv(locations.HOME_ENV, str(home))
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/")  # not private: replaced
    try:
        runtime.prepare()
        assert os.environ["XDG_RUNTIME_DIR"] == str(home / "run")
    finally:
        (home / "run").rmdir()
        home.rmdir()
