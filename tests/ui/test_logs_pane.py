"""The Logs pane driven by the pilot, following the stand-in's log stream over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from textual.app import App, ComposeResult

from console import profiles
from console.backends.balena.logs import Gap, LogLine
from console.clients import Clients
from console.profiles import locations
from console.sandbox.balena.logs import LogHub, standalone_app
from console.sandbox.serve import ServerThread
from console.ui.logs.render import GAP_MARK, NOTICE_MARK, clock
from console.ui.logs.session import SCREEN_LIMIT
from console.ui.panes.logs import LogsPane

TOKEN = "pane-test-token-91ab"
DEV_A = "1" * 32
DEV_B = "2" * 32
DEV_C = "3" * 32
DEV_D = "4" * 32


@dataclass
class Client:
    http: httpx.AsyncClient
    service_name: str = "balena API"


class PaneApp(App[None]):
    def __init__(self, pane_factory: Callable[[], LogsPane]) -> None:
        super().__init__()
        self._factory = pane_factory

    def compose(self) -> ComposeResult:
        yield self._factory()


@pytest.fixture(scope="module")
def hub() -> LogHub:
    return LogHub(keepalive=0.05, flush_interval=0.01)


@pytest.fixture(scope="module")
def server(hub: LogHub) -> Iterator[ServerThread]:
    devices = {uuid: {"uuid": uuid} for uuid in (DEV_A, DEV_B, DEV_C, DEV_D)}
    with ServerThread(standalone_app(hub, devices, TOKEN)) as thread:
        yield thread


@pytest.fixture
async def client(server: ServerThread) -> AsyncIterator[Client]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        yield Client(http)


def make_app(client: Client) -> PaneApp:
    profile = profiles.load("local")
    options = {"read_timeout": 2.0, "backoff": 0.05, "max_backoff": 0.2}
    return PaneApp(lambda: LogsPane(Clients(profile, balena=client), reader=options))


def shown(pane: LogsPane) -> list[str]:
    return list(pane.view.lines)


async def wait_for(pilot: object, condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition never held")


def any_line(pane: LogsPane, text: str) -> Callable[[], bool]:
    return lambda: any(text in line for line in shown(pane))


async def test_follow_shows_backlog_and_live_lines(hub: LogHub, client: Client) -> None:
    hub.append(DEV_A, "backlog line", service_id=5)
    async with make_app(client).run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_A])
        await wait_for(pilot, any_line(pane, "backlog line"))
        hub.append(DEV_A, "live line", service_id=5)
        await wait_for(pilot, any_line(pane, "live line"))
        await wait_for(pilot, lambda: "following │ 2 lines" in pane._status)


async def test_pause_keeps_buffering_and_resume_shows_what_came(
    hub: LogHub, client: Client
) -> None:
    async with make_app(client).run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_B])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_B) > 0)
        await pilot.press("p")
        hub.append(DEV_B, "while paused", service_id=1)
        await wait_for(pilot, lambda: pane.session.counters.while_paused == 1)
        await wait_for(pilot, lambda: "PAUSED (1 new)" in pane._status)  # status: 4 a second
        assert not any_line(pane, "while paused")()
        await pilot.press("p")
        await wait_for(pilot, any_line(pane, "while paused"))
        assert "following" in pane._status


async def test_filter_by_text_regex_and_stderr(hub: LogHub, client: Client) -> None:
    async with make_app(client).run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_A])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_A) > 0)
        hub.append(DEV_A, "disk ok", service_id=1)
        hub.append(DEV_A, "ERROR disk full", service_id=1, is_stderr=True)
        hub.append(DEV_A, "net ok", service_id=2)
        await wait_for(pilot, any_line(pane, "net ok"))
        pane.apply_filter("disk")
        await wait_for(pilot, lambda: not any_line(pane, "net ok")())
        assert any_line(pane, "disk ok")() and any_line(pane, "ERROR disk full")()
        pane.apply_filter("re:^net")
        await wait_for(pilot, lambda: not any_line(pane, "disk ok")())
        assert any_line(pane, "net ok")()
        pane.apply_filter("")
        await pilot.press("e")  # only stderr
        await wait_for(pilot, lambda: not any_line(pane, "net ok")())
        assert any_line(pane, "ERROR disk full")() and not any_line(pane, "disk ok")()


async def test_filter_by_service_and_bad_pattern_keeps_the_old_filter(
    hub: LogHub, client: Client
) -> None:
    async with make_app(client).run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_B])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_B) > 0)
        hub.append(DEV_B, "svc seven", service_id=7)
        hub.append(DEV_B, "svc eight", service_id=8)
        await wait_for(pilot, any_line(pane, "svc eight"))
        pane.apply_filter("service=7")
        await wait_for(pilot, lambda: not any_line(pane, "svc eight")())
        pane.apply_filter("re:([unclosed")
        await pilot.pause(0.1)
        assert pane.session.filter.services == frozenset({7})
        assert any_line(pane, "svc seven")()


async def test_cut_stream_shows_a_gap_marker(hub: LogHub, client: Client) -> None:
    async with make_app(client).run_test(size=(120, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_A])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_A) > 0)
        hub.faults.cut_mid_line = 1
        hub.append(DEV_A, "cut here", service_id=1)
        await wait_for(pilot, any_line(pane, "s gap "))
        await wait_for(pilot, any_line(pane, "cut here"))
        assert pane.session.counters.gaps == 1


async def test_wrong_token_is_reported_without_the_token(server: ServerThread) -> None:
    wrong = "not-the-token-5e5e5e"
    headers = {"Authorization": f"Bearer {wrong}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        app = make_app(Client(http))
        async with app.run_test(size=(100, 30)) as pilot:
            pane = pilot.app.query_one(LogsPane)
            pane.tail([DEV_A])
            await wait_for(pilot, lambda: bool(pilot.app._notifications))
            texts = [n.message for n in pilot.app._notifications]
            assert any("401" in t for t in texts)
            assert all(wrong not in t and TOKEN not in t for t in texts)
            assert "stopped" in pane._status


async def test_wrap_cuts_long_lines_and_save_writes_the_session(
    hub: LogHub, client: Client
) -> None:
    async with make_app(client).run_test(size=(80, 24)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_B])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_B) > 0)
        hub.append(DEV_B, "long " * 40 + "END", service_id=1)
        await wait_for(pilot, any_line(pane, "END"))
        await pilot.press("w")
        assert max(len(line) for line in shown(pane)) <= 80
        assert any("END" in line for line in shown(pane))
        before = set(locations.exports_dir("local").glob("logs-*.log"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: set(locations.exports_dir("local").glob("*.log")) - before)
        saved = (set(locations.exports_dir("local").glob("*.log")) - before).pop()
        assert "END" in saved.read_text()


async def test_find_counts_matches_in_the_whole_spooled_session(
    hub: LogHub, client: Client
) -> None:
    async with make_app(client).run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_B])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_B) > 0)
        for i in range(30):
            hub.append(DEV_B, f"needle {i}" if i % 10 == 0 else f"hay {i}", service_id=1)
        await wait_for(pilot, any_line(pane, "hay 29"))
        pane.run_command("find needle")
        await wait_for(pilot, lambda: any("match" in n.message for n in pilot.app._notifications))
        note = next(n.message for n in pilot.app._notifications if "match" in n.message)
        assert note.startswith("3 of ")
        await wait_for(pilot, lambda: not any_line(pane, "hay 29")())
        assert sum("needle" in line for line in shown(pane)) == 3


async def test_lines_arriving_during_a_filter_redraw_are_shown_once(
    hub: LogHub, client: Client
) -> None:
    async with make_app(client).run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_A])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_A) > 0)
        for i in range(100):
            hub.append(DEV_A, f"tick {i}", service_id=1)
        pane.apply_filter("tick")
        for i in range(100, 200):
            hub.append(DEV_A, f"tick {i}", service_id=1)
        await wait_for(pilot, any_line(pane, "tick 199"))
        await pilot.pause(0.2)
        ticks = [line.split("tick ")[1] for line in shown(pane) if "tick " in line]
        assert ticks == [str(i) for i in range(200)]


async def test_screen_stays_bounded_while_spool_search_and_save_see_everything(
    hub: LogHub, client: Client
) -> None:
    total = SCREEN_LIMIT + 1500
    async with make_app(client).run_test(size=(100, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_C])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_C) > 0)
        for chunk in range(0, total, 1300):  # several batches reach the screen, one by one
            for i in range(chunk, min(total, chunk + 1300)):
                hub.append(DEV_C, f"bulk-line {i:05d}", service_id=1)
            await wait_for(pilot, any_line(pane, f"bulk-line {i:05d}"))
        session = pane.session
        assert session is not None and session.counters.received == total
        assert pane.view.line_count == len(pane.view.kept) == SCREEN_LIMIT
        assert shown(pane)[0].endswith(f"bulk-line {total - SCREEN_LIMIT:05d}")
        assert not any_line(pane, "bulk-line 00000")()  # scrolled off the screen...
        session.spool.flush()
        assert len(session.spool) == total  # ...but in the spool
        before = set(locations.exports_dir("local").glob("logs-*.log"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: set(locations.exports_dir("local").glob("*.log")) - before)
        saved = (set(locations.exports_dir("local").glob("*.log")) - before).pop()
        await wait_for(pilot, lambda: any("Saved" in n.message for n in pilot.app._notifications))
        lines = saved.read_text().splitlines()
        assert len(lines) == total and "bulk-line 00000" in lines[0]
        pane.run_command("find bulk-line 0000")  # lines 0-9, long gone from the screen
        await wait_for(pilot, lambda: any("match" in n.message for n in pilot.app._notifications))
        note = next(n.message for n in pilot.app._notifications if "match" in n.message)
        assert note.startswith(f"10 of {total:,} lines")
        await wait_for(pilot, any_line(pane, "bulk-line 00000"))
        assert pane.view.line_count == 10


async def test_server_restart_mid_tail_leaves_a_gap_marker_backfilled(
    hub: LogHub, server: ServerThread, client: Client
) -> None:
    """The stand-in stops and comes back on the same port; what it got meanwhile is
    backfilled from history under a marker naming the span."""
    async with make_app(client).run_test(size=(120, 30)) as pilot:
        pane = pilot.app.query_one(LogsPane)
        pane.tail([DEV_D])
        await wait_for(pilot, lambda: hub.subscriber_count(DEV_D) > 0)
        hub.append(DEV_D, "before the restart", service_id=1)
        await wait_for(pilot, any_line(pane, "before the restart"))
        server.stop()
        try:
            for i in range(3):
                hub.append(DEV_D, f"while down {i}", service_id=1)
        finally:
            server.start()
        await wait_for(pilot, any_line(pane, GAP_MARK))
        hub.append(DEV_D, "after the restart", service_id=1)
        await wait_for(pilot, any_line(pane, "after the restart"))
        lines = shown(pane)

        def at(text: str) -> int:
            return next(i for i, line in enumerate(lines) if text in line)

        order = [at(t) for t in ("before the restart", GAP_MARK, "while down 0")]
        order += [at(t) for t in ("while down 1", "while down 2", "after the restart")]
        assert order == sorted(order)
        assert any(NOTICE_MARK in line and "reconnecting" in line for line in lines)
        gap = next(e for e in pane.view.kept if isinstance(e, Gap))
        last = next(
            e
            for e in pane.view.kept
            if isinstance(e, LogLine) and e.message == "before the restart"
        )
        assert gap.start_ms == last.created_at <= gap.end_ms
        assert (gap.backfilled, gap.complete) == (3, True)
        marker = lines[at(GAP_MARK)]
        assert f"{clock(gap.start_ms)} → {clock(gap.end_ms)}" in marker
        assert "3 line(s) backfilled" in marker
        assert pane.session is not None and pane.session.counters.gaps == 1
