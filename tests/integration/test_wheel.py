"""What `pip install` gives is the product: the built wheel, in a fresh venv, opens the TUI.

The editable checkout hides packaging mistakes (a stylesheet read from the
repository, a data file the wheel leaves out), so this builds the wheel, installs
it with its dependencies into an empty virtual environment, draws the app's first
frame headless from there, and runs one CLI command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FIRST_FRAME = """
import asyncio, sys
from console import profiles
from console.ui.app import FleetConsole

async def main():
    app = FleetConsole(profiles.load("local"), start_services=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.export_screenshot()
    import console
    print(console.__file__)
    print("FRAME-OK" if "Fleet Console" in screen or "local" in screen else "FRAME-EMPTY")

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the built wheel, its dependencies borrowed from this one.

    Installing the dependencies again took most of a minute of the suite; they are
    the test environment's own (read through a ``.pth`` path line, which does not run
    this environment's ``.pth`` files, so the editable checkout stays out of reach).
    ``tests/unit/test_declared_dependencies.py`` checks that each is declared.
    """
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "-w", str(root), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(root.glob("fleet_console-*.whl"))
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", "--disable-pip-version-check", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = subprocess.run([str(python), "-c", purelib],
                          check=True, capture_output=True, text=True).stdout.strip()
    borrowed = [p for p in sys.path if p.endswith("site-packages")]
    (Path(site) / "borrowed-dependencies.pth").write_text("\n".join(borrowed) + "\n")
    return env_dir


def run_in(env_dir: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FLEET_CONSOLE_HOME": str(home)}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        list(args), capture_output=True, text=True, timeout=120, env=env, cwd=env_dir
    )


@pytest.mark.slow
def test_wheel_opens_the_tui_from_site_packages(installed: Path, tmp_path: Path) -> None:
    """The first frame is drawn by the installed package, not the checkout."""
    result = run_in(installed, str(installed / "bin" / "python"), "-c", FIRST_FRAME,
                    home=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    package_file, verdict = result.stdout.strip().splitlines()[-2:]
    assert "site-packages" in package_file
    assert verdict == "FRAME-OK"


@pytest.mark.slow
def test_wheel_entry_point_runs_a_command(installed: Path, tmp_path: Path) -> None:
    """`fleet-console` from the wheel's script answers a command with exit 0."""
    result = run_in(installed, str(installed / "bin" / "fleet-console"), "profiles", "list",
                    "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"local"' in result.stdout
