"""Waiting for a Textual app under the pilot: until its workers are done, or a condition holds.

Bounded by rounds, never by a timing check: the caller asserts what should hold.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled


async def settle(pilot: Pilot[Any], rounds: int = 10, *, quiet: bool = False) -> None:
    """Wait until no worker runs, including workers started by finishing ones.

    ``quiet`` also clears notifications, so a snapshot shows the pane, not toasts.
    """
    for _ in range(rounds):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):  # replaced by a newer load: fine
            await pilot.app.workers.wait_for_complete()
        if all(worker.is_finished for worker in pilot.app.workers):
            break
    await pilot.pause(0.1 if quiet else None)
    if quiet:
        pilot.app.clear_notifications()


async def settle_quietly(pilot: Pilot[Any]) -> None:
    """``settle`` for snapshots: every worker done, toasts gone, the last frame drawn
    and drawn again the same (a table sizing its columns, a focus arriving: still)."""
    await settle(pilot, 20, quiet=True)
    await until_still(pilot)


async def until_still(pilot: Pilot[Any], rounds: int = 20) -> None:
    """Wait until two frames a moment apart are the same (bounded by rounds)."""
    before = pilot.app.export_screenshot()
    for _ in range(rounds):
        await pilot.pause(0.05)
        now = pilot.app.export_screenshot()
        if now == before:
            return
        before = now


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], rounds: int = 600) -> None:
    """Let the app work until ``condition()`` holds; fail if it never does."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition never held")
