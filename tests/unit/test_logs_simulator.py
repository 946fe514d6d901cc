"""The stand-in's log simulator: watched devices write at the rate, the rest a sample."""

from __future__ import annotations

import json

from console.sandbox.balena.logs import LogHub, LogSimulator, backlog_lines

WATCHED = "a" * 32
IDLE = [f"{i:032x}" for i in range(1, 41)]


async def test_watched_devices_write_at_the_rate_and_idle_ones_within_budget() -> None:
    hub = LogHub()
    online = [(WATCHED, [7, 8]), *[(uuid, [9]) for uuid in IDLE]]
    simulator = LogSimulator(hub, lambda: online, rate=4.0, budget=10, seed=3)
    sub, _ = hub.subscribe(WATCHED, start_ms=0, count=0)
    for _ in range(4):
        simulator.step(0.25)
    watched = hub.history(WATCHED, start_ms=0, count=None)
    assert len(watched) == 4 and len(sub.lines) == 4
    idle_devices = [u for u in IDLE if hub.history(u, start_ms=0, count=None)]
    assert 0 < len(idle_devices) <= 10


async def test_lines_follow_the_wire_format() -> None:
    hub = LogHub()
    simulator = LogSimulator(hub, lambda: [(WATCHED, [7])], rate=400.0, seed=5)
    hub.subscribe(WATCHED, start_ms=0, count=0)
    simulator.step(1.0)
    records = [json.loads(data) for _, data in hub.history(WATCHED, start_ms=0, count=None)]
    assert len(records) == 400
    assert all(("serviceId" in r) != r["isSystem"] for r in records)
    assert any(r["isStdErr"] for r in records) and any(r["isSystem"] for r in records)
    created = [r["createdAt"] for r in records]
    assert created == sorted(set(created))  # unique and increasing per device


def test_backlog_comes_once_before_what_the_device_wrote_since() -> None:
    hub = LogHub(clock=lambda: 1_800_000_000.0, history_limit=50)
    live = hub.append(WATCHED, "written after start")
    calls: list[int] = []

    def past(before: int) -> list[tuple[int, bytes]]:
        calls.append(before)
        return backlog_lines(WATCHED, [7, 8], before, count=80, seed=3)

    hub.backlog_once(WATCHED, past)
    hub.backlog_once(WATCHED, past)
    assert calls == [live]  # asked once, for lines before the first one written
    lines = hub.history(WATCHED, start_ms=0, count=None)
    assert len(lines) == 50  # the history's bound holds, the newest past kept
    assert json.loads(lines[-1][1])["message"] == "written after start"
    created = [at for at, _ in lines]
    assert created == sorted(set(created)) and created[-2] < live
    assert hub.append(WATCHED, "next") == live + 1


def test_backlog_is_the_same_for_the_same_device_and_moment() -> None:
    first = backlog_lines(WATCHED, [7], 1_800_000_000_000, count=30)
    again = backlog_lines(WATCHED, [7], 1_800_000_000_000, count=30)
    other = backlog_lines(IDLE[0], [7], 1_800_000_000_000, count=30)
    assert first == again and first != other
    records = [json.loads(data) for _, data in first]
    assert all(r["createdAt"] < 1_800_000_000_000 for r in records)
    assert all(r.get("serviceId") in (None, 7) for r in records)


async def test_asking_for_more_lines_than_there_are_gives_them_all() -> None:
    hub = LogHub()
    for n in range(60):
        hub.append(WATCHED, f"line {n}")
    assert len(hub.history(WATCHED, start_ms=0, count=100)) == 60
    assert len(hub.history(WATCHED, start_ms=0, count=25)) == 25
    _, backlog = hub.subscribe(WATCHED, start_ms=0, count=100)
    assert json.loads(backlog[0][1])["message"] == "line 0"
    assert len(backlog) == 60
