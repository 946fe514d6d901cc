"""Device logs client against the log routes of the balena stand-in, over loopback HTTP."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from console.backends.balena.logs import DeviceLogs, Gap, LogEvent, LogLine, Notice
from console.errors import AuthError, NotFound
from console.sandbox.balena.logs import LogHub, backlog_lines, standalone_app
from console.sandbox.serve import ServerThread

TOKEN = "logs-test-token-4f2a9c"
DEV_A = "a" * 32
DEV_B = "b" * 32
DEV_C = "c" * 32
RECONNECT = re.compile(r"reconnecting in ([0-9.]+) s")


@dataclass
class Client:
    """The two things ``DeviceLogs`` needs of a balena client."""

    http: httpx.AsyncClient
    service_name: str = "balena API"


@pytest.fixture(scope="module")
def hub() -> LogHub:
    return LogHub(keepalive=0.05, flush_interval=0.01)


@pytest.fixture(scope="module")
def server(hub: LogHub) -> Iterator[ServerThread]:
    devices = {uuid: {"uuid": uuid} for uuid in (DEV_A, DEV_B, DEV_C)}
    with ServerThread(standalone_app(hub, devices, TOKEN)) as thread:
        yield thread


@pytest.fixture
async def logs(server: ServerThread) -> AsyncIterator[DeviceLogs]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        reader = DeviceLogs(Client(http), read_timeout=2.0, backoff=0.05, max_backoff=0.2)
        yield reader
        await reader.stop()


class Tail:
    """Consume a stream in the background, so lines written meanwhile are not missed."""

    def __init__(self, events: AsyncIterator[LogEvent]) -> None:
        self.seen: list[LogEvent] = []
        self.error: BaseException | None = None
        self._task = asyncio.ensure_future(self._run(events))

    async def _run(self, events: AsyncIterator[LogEvent]) -> None:
        try:
            async for event in events:
                self.seen.append(event)
        except Exception as exc:
            self.error = exc

    async def until(self, done: Callable[[list[LogEvent]], bool]) -> list[LogEvent]:
        """Wait until ``done(seen)`` holds (fail after 10 s); re-raise a stream error."""
        for _ in range(1000):
            if self.error is not None:
                raise self.error
            if done(self.seen):
                return self.seen
            await asyncio.sleep(0.01)
        raise AssertionError(f"stream never got there: {self.seen}")


async def tail(logs: DeviceLogs, hub: LogHub, uuids: list[str], count: int = 0) -> Tail:
    """Open a stream and wait until the stand-in has subscribed it."""
    before = {uuid: hub.subscriber_count(uuid) for uuid in uuids}
    stream = Tail(logs.stream(uuids, count=count))
    await stream.until(lambda _: all(hub.subscriber_count(u) > before[u] for u in uuids))
    return stream


def messages(events: list[LogEvent]) -> list[str]:
    return [e.message for e in events if isinstance(e, LogLine)]


def has(text: str) -> Callable[[list[LogEvent]], bool]:
    return lambda seen: text in messages(seen)


async def test_history_is_oldest_first_and_honours_count(hub: LogHub, logs: DeviceLogs) -> None:
    for i in range(5):
        hub.append(DEV_C, f"hist {i}", service_id=3)
    lines = await logs.history(DEV_C, count=3)
    assert [line.message for line in lines] == ["hist 2", "hist 3", "hist 4"]
    assert all(line.service_id == 3 and line.uuid == DEV_C for line in lines)


async def test_history_start_skips_older_lines(hub: LogHub, logs: DeviceLogs) -> None:
    first = hub.append(DEV_C, "before")
    hub.append(DEV_C, "after")
    lines = await logs.history(DEV_C, start=first + 1)
    assert [line.message for line in lines] == ["after"]


async def test_system_lines_carry_no_service(hub: LogHub, logs: DeviceLogs) -> None:
    hub.append(DEV_C, "supervisor says hi", service_id=9, is_system=True)
    line = (await logs.history(DEV_C, count=1))[0]
    assert line.is_system and line.service_id is None


async def test_stream_sends_backlog_then_live_lines_ignoring_keepalives(
    hub: LogHub, logs: DeviceLogs
) -> None:
    hub.append(DEV_A, "old one")
    hub.append(DEV_A, "old two")
    stream = await tail(logs, hub, [DEV_A], count=2)
    await asyncio.sleep(0.2)  # several keep-alives pass
    hub.append(DEV_A, "live one", is_stderr=True)
    seen = await stream.until(has("live one"))
    assert messages(seen) == ["old one", "old two", "live one"]
    assert all(isinstance(e, LogLine) for e in seen)
    assert seen[-1].is_stderr  # type: ignore[union-attr]


async def test_stream_merges_several_devices(hub: LogHub, logs: DeviceLogs) -> None:
    stream = await tail(logs, hub, [DEV_A, DEV_B])
    hub.append(DEV_A, "from a")
    hub.append(DEV_B, "from b")
    seen = await stream.until(lambda s: {"from a", "from b"} <= set(messages(s)))
    by_device = {e.message: e.uuid for e in seen if isinstance(e, LogLine)}
    assert by_device == {"from a": DEV_A, "from b": DEV_B}


async def test_cut_mid_line_reconnects_with_a_gap_and_loses_nothing(
    hub: LogHub, logs: DeviceLogs
) -> None:
    stream = await tail(logs, hub, [DEV_A])
    hub.append(DEV_A, "before cut")
    await stream.until(has("before cut"))
    hub.faults.cut_mid_line = 1
    hub.append(DEV_A, "torn in half")
    hub.append(DEV_A, "right after")
    seen = await stream.until(has("right after"))
    assert messages(seen) == ["before cut", "torn in half", "right after"]
    gaps = [e for e in seen if isinstance(e, Gap)]
    assert len(gaps) == 1 and gaps[0].complete and gaps[0].backfilled >= 1
    assert any(isinstance(e, Notice) and "reconnecting" in e.message for e in seen)


async def test_malformed_line_is_reported_and_skipped(hub: LogHub, logs: DeviceLogs) -> None:
    stream = await tail(logs, hub, [DEV_B])
    hub.faults.malformed = 1
    hub.append(DEV_B, "good line")
    seen = await stream.until(has("good line"))
    notices = [e for e in seen if isinstance(e, Notice)]
    assert messages(seen) == ["good line"]
    assert notices and "not valid JSON" in notices[0].message


async def test_server_restart_leaves_a_gap_backfilled_from_history(
    hub: LogHub, server: ServerThread, logs: DeviceLogs
) -> None:
    stream = await tail(logs, hub, [DEV_C])
    hub.append(DEV_C, "before restart")
    await stream.until(has("before restart"))
    server.stop()
    written_while_down = [f"while down {i}" for i in range(3)]
    for text in written_while_down:
        hub.append(DEV_C, text)
    server.start()
    hub.append(DEV_C, "after restart")
    seen = await stream.until(has("after restart"))
    assert messages(seen) == ["before restart", *written_while_down, "after restart"]
    gap = next(e for e in seen if isinstance(e, Gap))
    assert gap.backfilled >= 3 and gap.complete and gap.end_ms >= gap.start_ms
    gap_at = seen.index(gap)
    assert messages(seen[:gap_at]) == ["before restart"]


async def test_wrong_token_is_a_clear_auth_error_without_the_token(server: ServerThread) -> None:
    wrong = "wrong-token-7f7f7f"
    headers = {"Authorization": f"Bearer {wrong}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        reader = DeviceLogs(Client(http), read_timeout=2.0)
        with pytest.raises(AuthError) as caught:
            await Tail(reader.stream([DEV_A])).until(lambda s: False)
        with pytest.raises(AuthError):
            await reader.history(DEV_A)
    assert "401" in str(caught.value) and "user token" in str(caught.value)
    assert wrong not in str(caught.value) and TOKEN not in str(caught.value)


async def test_unknown_device_is_not_found(logs: DeviceLogs) -> None:
    with pytest.raises(NotFound) as caught:
        await logs.history("f" * 32)
    assert "No device with uuid" in str(caught.value)


async def test_stop_ends_the_stream(logs: DeviceLogs) -> None:
    events = logs.stream([DEV_C])

    async def consume() -> int:
        return len([e async for e in events])

    task = asyncio.ensure_future(consume())
    await asyncio.sleep(0.2)
    await logs.stop()
    assert await asyncio.wait_for(task, timeout=5) == 0


async def test_keepalives_hold_a_quiet_stream_open(hub: LogHub, logs: DeviceLogs) -> None:
    # the hub sends a keep-alive every 0.05 s: 16 of them fit in the timeout, so a loaded
    # machine's pause cannot pass for silence, and the wait outlasts the timeout twice
    logs.read_timeout = 0.8
    stream = await tail(logs, hub, [DEV_B])
    await asyncio.sleep(1.7)
    hub.append(DEV_B, "still here")
    seen = await stream.until(has("still here"))
    assert not any(isinstance(e, (Gap, Notice)) for e in seen)


async def test_a_silent_stream_times_out_and_reconnects(hub: LogHub, logs: DeviceLogs) -> None:
    logs.read_timeout = 0.3
    hub.keepalive = 30.0  # no keep-alives: the link looks dead to the reader
    try:
        stream = await tail(logs, hub, [DEV_C])
        seen = await stream.until(lambda s: any(isinstance(e, Gap) for e in s))
    finally:
        hub.keepalive = 0.05
    notice = next(e for e in seen if isinstance(e, Notice))
    assert "did not answer in time" in notice.message


async def test_slow_reader_gets_the_suppressed_warning(hub: LogHub, logs: DeviceLogs) -> None:
    hub.subscriber_limit = 5
    try:
        stream = await tail(logs, hub, [DEV_A])
    finally:
        hub.subscriber_limit = 100_000
    for i in range(20):  # all before the stream's next write: 15 do not fit its buffer
        hub.append(DEV_A, f"burst {i}")
    seen = await stream.until(lambda s: any("Suppressed" in m for m in messages(s)))
    warning = next(e for e in seen if isinstance(e, LogLine) and "Suppressed" in e.message)
    assert warning.is_system and warning.is_stderr and warning.service_id is None
    assert warning.message == "Warning: Suppressed 15 message(s) due to slow reading"


async def test_history_cap_makes_an_incomplete_gap(
    hub: LogHub, server: ServerThread, logs: DeviceLogs
) -> None:
    stream = await tail(logs, hub, [DEV_B])
    hub.append(DEV_B, "before the long outage")
    await stream.until(has("before the long outage"))
    server.stop()
    for i in range(1200):
        hub.append(DEV_B, f"missed {i}")
    server.start()
    seen = await stream.until(has("missed 1199"))
    gap = next(e for e in seen if isinstance(e, Gap))
    assert gap.backfilled == 1000 and not gap.complete
    assert messages(seen)[1] == "missed 200"  # the 200 oldest are beyond the API's cap


async def test_rate_limited_stream_waits_retry_after_then_follows(
    hub: LogHub, logs: DeviceLogs
) -> None:
    hub.faults.rate_limited = 1
    stream = Tail(logs.stream([DEV_C]))
    await stream.until(lambda s: any(isinstance(e, Notice) for e in s))
    notice = next(e for e in stream.seen if isinstance(e, Notice))
    assert "429" in notice.message and "reconnecting in 1 s" in notice.message
    await stream.until(lambda _: hub.subscriber_count(DEV_C) > 0)
    hub.append(DEV_C, "after the limit")
    await stream.until(has("after the limit"))


def delays(events: list[LogEvent]) -> list[float]:
    """The waits the reader announced before each reconnect, in order."""
    found = (RECONNECT.search(e.message) for e in events if isinstance(e, Notice))
    return [float(match[1]) for match in found if match]


async def test_reconnect_backoff_doubles_up_to_its_cap_and_resets_after_lines(
    hub: LogHub, server: ServerThread
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
        reader = DeviceLogs(Client(http), read_timeout=2.0, backoff=0.01, max_backoff=0.04)
        hub.faults.unavailable = 5  # five stream requests in a row answer 503
        before = hub.subscriber_count(DEV_A)
        stream = Tail(reader.stream([DEV_A]))
        await stream.until(lambda _: hub.subscriber_count(DEV_A) > before)
        hub.append(DEV_A, "through at last")
        seen = await stream.until(has("through at last"))
        assert within_steps(delays(seen), [0.01, 0.02, 0.04, 0.04, 0.04])
        assert all("503" in e.message for e in seen if isinstance(e, Notice))
        hub.faults.cut_mid_line = 1
        hub.append(DEV_A, "torn after the link came back")
        seen = await stream.until(has("torn after the link came back"))
        # lines arrived in between: back to the first delay
        assert within_steps(delays(seen)[5:], [0.01])
        await reader.stop()


def within_steps(waits: list[float], steps: list[float]) -> bool:
    """Each wait is its backoff step, jittered to between half of it and all of it."""
    return len(waits) == len(steps) and all(s / 2 <= w <= s for w, s in zip(waits, steps))


async def test_histories_of_several_devices_come_first_in_time_order() -> None:
    hub = LogHub(keepalive=0.05, flush_interval=0.01)
    first, second = "d" * 32, "e" * 32
    for uuid in (first, second):  # pasts that overlap in time, minutes long
        hub.backlog_once(uuid, lambda before, u=uuid: backlog_lines(u, [1], before, count=30))
    devices = {uuid: {"uuid": uuid} for uuid in (first, second)}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with ServerThread(standalone_app(hub, devices, TOKEN)) as server:
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5) as http:
            reader = DeviceLogs(Client(http), read_timeout=2.0)
            batches = reader.batches([first, second], count=100)
            batch = await anext(batches)
            await batches.aclose()
    lines = [e for e in batch if isinstance(e, LogLine)]
    assert len(lines) == 60 and {line.uuid for line in lines} == {first, second}
    created = [line.created_at for line in lines]
    assert created == sorted(created)
    # interleaved, not one device's past after the other's
    assert [line.uuid for line in lines[:30]].count(first) not in (0, 30)
