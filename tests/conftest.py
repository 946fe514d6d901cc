"""Session-wide fixtures: a private FLEET_CONSOLE_HOME and one real PostgreSQL.

The home is set before any test imports console code, so every profile, data
directory and subprocess of the run lives in a temporary folder and the
operator's own profiles are never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from console.backends.balena import BalenaClient
    from console.backends.balsam import BalsamClient
    from console.backends.postgres import PostgresClient
    from console.sandbox.serve import ServerThread

_HOME = Path(tempfile.mkdtemp(prefix="fleet-console-tests-"))
os.environ["FLEET_CONSOLE_HOME"] = str(_HOME)
os.environ.pop("FLEET_CONSOLE_PROFILE", None)
os.environ["NO_COLOR"] = "1"


@pytest.fixture(scope="session")
def fleet_home() -> Path:
    """The temporary root of every profile in this test run."""
    return _HOME


BALENA_TOKEN = "test-balena-token-5c1"
"""The token the shared balena stand-in accepts."""
BALSAM_PASSWORD = "test-balsam-password"
BALSAM_OPTIONS = {"simulate": False, "jobs": 400, "epoch": "2026-11-23T12:00:00+00:00"}
"""A still Balsam stand-in on a fixed clock: 400 jobs, the same every run."""


def _module_says(request: pytest.FixtureRequest, name: str, default: Any) -> Any:
    """A module may set its own ``TOKEN``, ``PASSWORD``, ``BALSAM_OPTIONS`` or
    ``AUDIT_PROFILE`` for the stand-ins it gets; the shared values are the default."""
    return getattr(request.module, name, default)


@pytest.fixture(scope="module")
def balena_server(request: pytest.FixtureRequest) -> Iterator[ServerThread]:
    """A still balena stand-in (no simulator), one per test module that asks for it."""
    from console.sandbox.balena.app import create_app
    from console.sandbox.serve import ServerThread

    token = _module_says(request, "TOKEN", BALENA_TOKEN)
    with ServerThread(create_app(token=token, simulate=False)) as running:
        yield running


@pytest.fixture
async def balena_client(
    balena_server: ServerThread, request: pytest.FixtureRequest
) -> AsyncIterator[BalenaClient]:
    """The console's balena client on ``balena_server``, closed after the test (its
    writes audited under the module's ``AUDIT_PROFILE``, when it names one)."""
    from console.backends.balena import BalenaClient

    token = _module_says(request, "TOKEN", BALENA_TOKEN)
    profile = _module_says(request, "AUDIT_PROFILE", None)
    async with BalenaClient(balena_server.url, token, timeout=5, profile=profile) as client:
        yield client


@pytest.fixture(scope="module")
def balsam_server(request: pytest.FixtureRequest) -> Iterator[ServerThread]:
    """A still Balsam stand-in with ``BALSAM_OPTIONS``, one per test module."""
    from console.sandbox.balsam import build_app
    from console.sandbox.serve import ServerThread

    password = _module_says(request, "PASSWORD", BALSAM_PASSWORD)
    options = dict(_module_says(request, "BALSAM_OPTIONS", BALSAM_OPTIONS))
    with ServerThread(build_app(password=password, options=options)) as running:
        yield running


@pytest.fixture
async def balsam_client(
    balsam_server: ServerThread, request: pytest.FixtureRequest
) -> AsyncIterator[BalsamClient]:
    """The console's Balsam client on ``balsam_server``, logged in as ``operator``."""
    from console.backends.balsam import BalsamClient

    password = _module_says(request, "PASSWORD", BALSAM_PASSWORD)
    async with BalsamClient(balsam_server.url, username="operator", password=password) as c:
        await c.login()
        yield c


@pytest.fixture(scope="session")
def local_pg(fleet_home: Path) -> Iterator[object]:
    """The `local` profile's embedded PostgreSQL, started once per session."""
    from console.sandbox import control

    state = control.ensure_postgres("local")
    yield state
    control.stop("local")


@contextlib.contextmanager
def scratch_database(name: str, *statements: str) -> Iterator[PostgresClient]:
    """A database of one test module's own on the session's server, and a client to it.

    Made afresh (one left by an interrupted run is dropped first), filled by
    ``statements`` in order, and dropped when the block ends. Needs ``local_pg``.
    """
    from console import profiles
    from console.clients import Clients

    client = Clients(profiles.load("local")).postgres()
    try:
        if name in [d.name for d in client.list_databases()]:
            client.drop_database(name, force=True)
        client.create_database(name)
        for statement in statements:
            client.run(name, statement).close()
        yield client
        client.drop_database(name, force=True)
    finally:
        client.close()


def run_cli(
    *args: str,
    input: str | None = None,
    timeout: float = 120,
    env: dict[str, str] | None = None,
    fresh: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `fleet-console ARGS` and return its exit code, stdout and stderr.

    It runs the entry point's own ``console.cli.main`` in this process, with its
    streams, stdin and environment swapped for the call (a fresh interpreter costs
    most of a second, and a test file makes dozens of calls). ``fresh=True`` runs a
    real ``python -m console`` instead, for what only a new process shows: start-up,
    signals, what a crash prints. From inside an event loop it is always fresh, as a
    command runs its own loop. An exception a command lets out is raised here, so a
    traceback can never pass for output.
    """
    if fresh or _in_event_loop():
        return subprocess.run(
            [sys.executable, "-m", "console", *args],
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
        )
    return _run_in_process(list(args), input, env or {})


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_in_process(
    args: list[str], input: str | None, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    from click.testing import CliRunner

    from console.cli import main

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (stdout, stderr, _):
        try:
            main(args)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        sys.stdout.flush()  # what a command wrote to sys.stdout itself (csv.writer) is still
        sys.stderr.flush()  # in the text layer: the exit of a real process would flush it
        out, err = stdout.getvalue(), stderr.getvalue()
    return subprocess.CompletedProcess(
        ["fleet-console", *args], code, out.decode(errors="replace"), err.decode(errors="replace")
    )


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """The `run_cli` helper, as a fixture."""
    return run_cli


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop every local service this run started, then remove the home."""
    from console.errors import NotFound
    from console.profiles import locations
    from console.sandbox import control

    for profile_dir in locations.profiles_dir().iterdir():
        try:
            control.stop(profile_dir.name)
        except NotFound:
            continue  # a directory with only an audit log: never a profile, nothing started
        except Exception as exc:  # cleanup must not hide the run's own result
            print(f"warning: could not stop services of {profile_dir.name}: {exc}")
    shutil.rmtree(_HOME, ignore_errors=True)
