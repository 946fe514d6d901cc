"""A newcomer's first run, kept as a test (issue 16): the real ``fleet-console`` on an
80x24 pseudo-terminal, read through a terminal emulator as a person reads it.

On a fresh FLEET_CONSOLE_HOME (``sandbox start`` run first, as the README's first step,
so the ~5 s of a first start are not spent inside the console) it opens the ``local``
profile, visits every tab, opens the help, opens a device and a job, runs a query,
applies and clears a filter on the Devices table, switches profile and quits with
``q``. It fails on a traceback, an empty detail view, a message cut short, a footer key
cut mid-word, or a filter bar left open. Run it alone with ``pytest -m newcomer``.

Waits are for what the screen shows, never for a time: the emulator tells the console
it does synchronised output, so the screen is read between frames only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal
from tests.homes import fresh_home

pytestmark = pytest.mark.newcomer

COLUMNS, ROWS = 80, 24
PROGRAM = str(Path(sys.executable).parent / "fleet-console")
"""The script pip installed, as a newcomer runs it."""
BAR = "/ filter the current table"
"""The filter bar's placeholder."""
TABS = [
    ("1", "fleets ·"),          # each tab, and what its status says once it has data
    ("2", " of 300 "),
    ("3", "No device."),
    ("4", "jobs ·"),
    ("5", "Databases: n new"),
    ("7", " caches"),
    ("8", "blob tables"),
]


@pytest.fixture(scope="module")
def home() -> Iterator[dict[str, str]]:
    """A fresh home with the ``local`` profile and one more; its services stopped after."""
    with fresh_home() as path:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("FLEET_CONSOLE") and k != "NO_COLOR"}
        env.update(FLEET_CONSOLE_HOME=str(path), TERM="xterm-256color", LANG="C.UTF-8")
        # A second profile to switch to, and the local services started as the README's
        # first step says (the console attaches to them at once), both at the same time.
        steps = [subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
                 for args in ([PROGRAM, "profiles", "add", "staging", "--color", "yellow"],
                              [PROGRAM, "sandbox", "start"])]
        for step in steps:
            _, err = step.communicate(timeout=120)
            assert step.returncode == 0, err.decode()
        try:
            yield env
        finally:
            stop_quickly(env)


def stop_quickly(env: dict[str, str]) -> None:
    """``sandbox stop``, its two halves at once: each waits ~2 s for its process to end."""
    script = ("import threading; from console.sandbox import control; "
              "p = control.supervisor('local'); "
              "t = threading.Thread(target=p.terminate if p else None); t.start(); "
              "control.postgres('local').stop(); t.join(); p and p.wait(10)")
    # the supervisor proven the profile's own by ``control.supervisor``, as ``stop`` does
    subprocess.run([sys.executable, "-c", script], env=env, timeout=60, check=True)


@pytest.fixture
def console(home: dict[str, str]) -> Iterator[Terminal]:
    terminal = Terminal([PROGRAM], home, columns=COLUMNS, rows=ROWS)
    try:
        yield terminal
    finally:
        terminal.close()


def open_filter(console: Terminal) -> None:
    """``/``, and wait for the bar to take the keys (the footer shows its own)."""
    console.press("/")
    console.wait_for(lambda s: "esc Clear filter" in footer(s), what="the filter bar")


def escape(console: Terminal, gone: str, what: str) -> str:
    """Escape, and wait until ``gone`` has left the screen before the next key.

    A terminal sends Escape as a lone ESC; a key that follows before the console has
    read it alone (a busy machine) makes the pair read as alt+key, so the next key
    waits for the Escape to have done its work.
    """
    console.press("escape")
    return console.wait_for(lambda s: gone not in s, what=what)


def close_filter(console: Terminal) -> str:
    """Escape in the bar, and wait for the keys to be the pane's again (its table has the
    focus back: a key typed before that may still reach the closing bar)."""
    return escape(console, "esc Clear filter", "the bar closed")


def status_rows(screen: str) -> str:
    """The rows under the tabs, where a pane's status line wraps, joined as one text."""
    return " ".join(line.strip() for line in screen.splitlines()[3:6])


def footer(screen: str) -> str:
    return screen.splitlines()[-1]


def assert_sound(screen: str, where: str) -> None:
    """No traceback, no unexpected error, and a footer whose last key is whole."""
    assert "Traceback" not in screen and "Unexpected error" not in screen, f"{where}:\n{screen}"
    # Textual's footer ran off the edge ('/ F'): a fitted one always leaves a cell free
    assert len(footer(screen)) < COLUMNS, f"{where}: footer cut:\n{screen}"


def test_a_newcomers_first_run(console: Terminal) -> None:
    # The console checks the local services as it opens (it would start them) and says
    # so; a tab chosen before that may be undone when the panes are remade.
    console.wait_for("Local services:", timeout=30, what="the local services found running")
    screen = console.wait_for("fleets ·", what="the Fleets tab with its fleets")
    assert "1 Fleets" in screen and "● local" in screen
    assert_sound(screen, "opening")

    for key, ready in TABS:
        console.press(key)
        assert_sound(console.wait_for(ready, what=f"tab {key}"), f"tab {key}")

    console.press("2", "?")
    # a description too long for its column wraps at a word, never cut
    console.wait_for(lambda s: "Open the row under the cursor (its" in s
                     and "detail, or its contents)" in s, what="the help, wrapped")
    escape(console, "Keys: Devices", "the help closed")

    # A filter too long for one row wraps in the status line, every word of it.
    open_filter(console)
    console.type("colour=red")
    screen = console.wait_for(lambda s: "type tag (at 1)" in status_rows(s),
                              what="the whole refusal of the filter")
    assert "not applied: filter: unknown field 'colour'" in status_rows(screen)
    assert "colour" not in close_filter(console)
    # Applied, kept by Enter, then cleared by Escape in the bar.
    open_filter(console)
    console.type("offline")
    console.press("enter")
    console.wait_for(lambda s: "filter: offline" in s and "Clear filter" not in footer(s),
                     what="the filter applied, the bar closed")
    open_filter(console)
    close_filter(console)
    screen = console.wait_for(lambda s: "filter: offline" not in status_rows(s),
                              what="the filter cleared")
    assert BAR not in screen  # the bar is closed

    console.press("enter")
    detail = console.wait_for("location", what="the device's tags")
    console.press("end")
    detail = console.wait_for("Running", what="the device's services")
    assert "Tags" in detail and "Variables" in detail and "Services" in detail
    assert_sound(detail, "device detail")
    escape(console, "esc Back", "the device's detail closed")

    console.press("3")  # the filter bar belongs to its pane: nothing of it on Logs
    screen = console.wait_for("No device.", what="Logs")
    assert BAR not in screen and "offline" not in screen

    console.press("4")
    console.wait_for("jobs ·")
    console.press("l")  # from the summary to the list of jobs
    console.wait_for("Jobs 1-", what="the list of jobs")
    console.press("enter")
    job = console.wait_for(lambda s: "workdir" in s and "esc Close" in s,
                           what="a job's detail and its keys")
    console.press("end")  # the detail scrolls to its event timeline
    console.wait_for("Events (oldest first)", what="the job's events")
    assert_sound(job, "job detail")
    escape(console, "esc Close", "the job's detail closed")

    console.press("6")
    console.wait_for("No results yet")
    console.type("select 41 + 1 as answer")
    console.press("ctrl+r")
    screen = console.wait_for("1 row", what="the query's result")
    assert "answer" in screen and "42" in screen
    assert_sound(screen, "SQL")
    console.press("f2")  # from the editor to the result, where keys are keys again

    console.press("ctrl+o")
    console.wait_for("Switch environment")
    console.press("down", "enter")
    # staging has no services: its tabs say what to add to its settings
    screen = console.wait_for(lambda s: "● staging" in s and "has no [balena] section" in s,
                              what="the staging profile's Fleets tab")
    assert_sound(screen, "staging")

    console.press("q")
    assert console.wait_exit(timeout=20) == 0, console.text()
    assert b"Traceback" not in bytes(console.output)
