"""Device logs of the balena stand-in: history, the live NDJSON stream, a simulator.

Wire format per ``protocols/balena.md`` §13: ``GET /device/v2/<uuid>/logs`` answers a
bare JSON array (oldest first, ``count`` ≤ 1000); with ``stream=1`` an endless
``application/x-ndjson`` body, first ≤ ``count`` history lines then live ones, a bare
``\\n`` keep-alive every 58 s, output flushed in batches. A reader that falls behind
loses lines and then gets the "Suppressed N message(s)" system line.

The hub may be fed from another thread (tests, benchmarks): each subscriber is woken
in its own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

HISTORY_CAP = 1000
"""Most lines one history request returns (and the default ``count``)."""
HISTORY_LOOKBACK_MS = 30 * 24 * 3600 * 1000
STREAM_LOOKBACK_MS = 24 * 3600 * 1000

Line = tuple[int, bytes]
"""A stored line: its ``createdAt`` and its JSON encoding (no newline)."""


class _Cut(Exception):
    """Raised inside a stream to drop the connection without finishing the body."""


@dataclass
class LogFaults:
    """Switches tests flip to make streams misbehave like a flaky network."""

    cut_mid_line: int = 0
    """The next N stream writes send half a line, then drop the connection."""
    malformed: int = 0
    """The next N stream writes are preceded by a line that is not JSON."""
    rate_limited: int = 0
    """The next N log requests answer ``429`` with ``Retry-After: 1``."""
    unavailable: int = 0
    """The next N stream requests answer ``503`` with no ``Retry-After`` (an API restarting
    behind its load balancer); history requests still answer."""


class _Subscriber:
    """One live stream: a bounded buffer, woken in the loop that reads it."""

    def __init__(self, uuid: str, loop: asyncio.AbstractEventLoop, limit: int) -> None:
        self.uuid = uuid
        self.loop = loop
        self.limit = limit
        self.lines: deque[Line] = deque()
        self.dropped = 0
        self.event = asyncio.Event()
        self._wake_pending = False

    def push(self, line: Line) -> None:
        # A slow reader loses lines rather than growing without bound (as the API does).
        if len(self.lines) >= self.limit:
            self.dropped += 1
        else:
            self.lines.append(line)

    def wake(self) -> None:
        if self._wake_pending:
            return
        self._wake_pending = True
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._set()
        else:
            with contextlib.suppress(RuntimeError):  # loop already closed
                self.loop.call_soon_threadsafe(self._set)

    def _set(self) -> None:
        self._wake_pending = False
        self.event.set()


class LogHub:
    """Per-device bounded log history plus the live subscribers of each device.

    Args:
        history_limit: Lines kept per device.
        keepalive: Seconds between bare-newline keep-alives on an idle stream.
        flush_interval: Seconds a stream waits to batch lines before a write.
        subscriber_limit: Lines buffered per stream before the reader counts as slow.
        clock: What "now" is for new lines and for the lookback windows.
    """

    def __init__(
        self,
        *,
        history_limit: int = HISTORY_CAP,
        keepalive: float = 58.0,
        flush_interval: float = 0.5,
        subscriber_limit: int = 100_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        """Seconds since the epoch: ``time.time``, or a fixed moment for screenshots."""
        self.keepalive = keepalive
        self.flush_interval = flush_interval
        self.subscriber_limit = subscriber_limit
        self.faults = LogFaults()
        self._history_limit = history_limit
        self._history: dict[str, deque[Line]] = {}
        self._subscribers: dict[str, set[_Subscriber]] = {}
        self._last_created: dict[str, int] = {}
        self._backlogged: set[str] = set()
        self._lock = threading.Lock()

    def append(
        self,
        uuid: str,
        message: str,
        *,
        service_id: int | None = None,
        is_system: bool = False,
        is_stderr: bool = False,
        timestamp_ms: int | None = None,
    ) -> int:
        """Store one line a device sent and hand it to live streams.

        Returns:
            The line's ``createdAt`` (server receive time, ms, unique per device so
            a reader resuming at ``createdAt + 1`` neither skips nor repeats).
        """
        now = self.now_ms()
        with self._lock:
            created = max(now, self._last_created.get(uuid, 0) + 1)
            self._last_created[uuid] = created
            line = (
                created,
                _encode(created, timestamp_ms, message, service_id, is_system, is_stderr),
            )
            history = self._history.get(uuid)
            if history is None:
                history = self._history[uuid] = deque(maxlen=self._history_limit)
            history.append(line)
            subscribers = self._subscribers.get(uuid)
            if not subscribers:
                return created
            subscribers = list(subscribers)
            for sub in subscribers:
                sub.push(line)
        for sub in subscribers:
            sub.wake()
        return created

    def now_ms(self) -> int:
        """The hub's clock in milliseconds."""
        return int(self.clock() * 1000)

    def backlog_once(self, uuid: str, make: Callable[[int], list[Line]]) -> None:
        """Give a device, once, the past it had before this stand-in started.

        ``make(before_ms)`` returns lines created before ``before_ms``, oldest first;
        they go in front of whatever the device has written since.
        """
        with self._lock:
            if uuid in self._backlogged:
                return
            self._backlogged.add(uuid)
            history = self._history.get(uuid)
            if history is None:
                history = self._history[uuid] = deque(maxlen=self._history_limit)
            past = make(history[0][0] if history else self.now_ms())
            room = self._history_limit - len(history)
            if past and room > 0:
                history.extendleft(reversed(past[-room:]))
                self._last_created.setdefault(uuid, past[-1][0])

    def history(self, uuid: str, *, start_ms: int, count: int | None) -> list[Line]:
        """Return the newest ``count`` lines (all if None) created at or after ``start_ms``."""
        with self._lock:
            lines = [line for line in self._history.get(uuid, ()) if line[0] >= start_ms]
        return lines if count is None else lines[max(0, len(lines) - count) :] if count else []

    def subscribe(self, uuid: str, *, start_ms: int, count: int) -> tuple[_Subscriber, list[Line]]:
        """Register a live reader; return it with the backlog it gets first (no gap, no dup)."""
        sub = _Subscriber(uuid, asyncio.get_running_loop(), self.subscriber_limit)
        with self._lock:
            self._subscribers.setdefault(uuid, set()).add(sub)
            stored = [line for line in self._history.get(uuid, ()) if line[0] >= start_ms]
        return sub, stored[max(0, len(stored) - count) :] if count else []

    def unsubscribe(self, uuid: str, sub: _Subscriber) -> None:
        """Forget a reader whose connection ended."""
        with self._lock:
            self._subscribers.get(uuid, set()).discard(sub)

    def subscriber_count(self, uuid: str | None = None) -> int:
        """How many live streams are open (for one device, or in all)."""
        with self._lock:
            if uuid is not None:
                return len(self._subscribers.get(uuid, ()))
            return sum(len(subs) for subs in self._subscribers.values())

    def take_fault(self, name: str) -> bool:
        """Consume one pending fault of the given kind; True if there was one."""
        with self._lock:
            left = getattr(self.faults, name)
            if left > 0:
                setattr(self.faults, name, left - 1)
            return left > 0

    async def chunks(self, sub: _Subscriber, backlog: list[Line]) -> AsyncIterator[bytes]:
        """Yield the byte chunks of one stream: backlog, then batches and keep-alives."""
        after = backlog[-1][0] if backlog else 0
        if backlog:
            yield self._encode(backlog)
        while True:
            try:
                await asyncio.wait_for(sub.event.wait(), timeout=self.keepalive)
            except asyncio.TimeoutError:
                yield b"\n"
                continue
            await asyncio.sleep(self.flush_interval)
            sub.event.clear()
            lines = self._drain(sub, after)
            if lines:
                yield self._encode(lines)

    def _drain(self, sub: _Subscriber, after: int) -> list[Line]:
        with self._lock:
            lines = [line for line in sub.lines if line[0] > after]
            sub.lines.clear()
            dropped, sub.dropped = sub.dropped, 0
            if dropped:
                # Its own createdAt in the device's sequence, so readers that drop
                # lines at or before the last one they saw keep this warning.
                created = self._last_created[sub.uuid] = self._last_created[sub.uuid] + 1
                text = f"Warning: Suppressed {dropped} message(s) due to slow reading"
                lines.append((created, _encode(created, None, text, None, True, True)))
        return lines

    def _encode(self, lines: list[Line]) -> bytes:
        if self.take_fault("malformed"):
            lines = [(0, b'{"createdAt": 1, "message": "trunc'), *lines]
        body = b"".join(data + b"\n" for _, data in lines)
        if self.take_fault("cut_mid_line"):
            first = lines[0][1] + b"\n"
            raise _Cut(first[: max(1, len(first) // 2)])
        return body


_JSON_BOOL = (b"false", b"true")


def _encode(
    created: int,
    timestamp: int | None,
    message: str,
    service_id: int | None,
    is_system: bool,
    is_stderr: bool,
) -> bytes:
    # The API's field order; built by hand because json.dumps of a dict costs 4x more
    # and a stand-in feeding the 50,000 lines/s benchmark cannot afford it.
    service = b"" if service_id is None or is_system else b',"serviceId":%d' % service_id
    return b'{"createdAt":%d,"timestamp":%d,"isSystem":%s,"isStdErr":%s%s,"message":%s}' % (
        created,
        created if timestamp is None else timestamp,
        _JSON_BOOL[is_system],
        _JSON_BOOL[is_stderr],
        service,
        json.dumps(message).encode(),
    )


class _NdjsonStream:
    """An endless chunked body that stops when the client leaves or a fault cuts it."""

    def __init__(self, chunks: AsyncIterator[bytes], on_close: Callable[[], None]) -> None:
        self._chunks = chunks
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/x-ndjson"),
                    (b"cache-control", b"no-cache"),
                ],
            }
        )
        pump = asyncio.ensure_future(self._pump(send))
        gone = asyncio.ensure_future(_wait_disconnect(receive))
        try:
            await asyncio.wait({pump, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (pump, gone):
                task.cancel()
            await asyncio.gather(pump, gone, return_exceptions=True)
            self._on_close()

    async def _pump(self, send: Send) -> None:
        try:
            async for chunk in self._chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except _Cut as cut:
            # Half a line, then return without ending the body: the server drops the link.
            await send({"type": "http.response.body", "body": cut.args[0], "more_body": True})


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _error(status: int, text: str) -> Response:
    # The API's custom routes answer errors as a JSON-encoded string.
    return Response(json.dumps(text), status_code=status, media_type="application/json")


def _parse_start(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    if raw.lstrip("-").isdigit():
        return int(raw)
    parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp() * 1000)


def _parse_count(raw: str | None, default: int | None) -> int | None:
    if raw is None or raw == "":
        return default
    if raw == "all":
        return None
    value = int(raw)
    if value < 0:
        raise ValueError(raw)
    return value


def log_routes(
    hub: LogHub,
    *,
    find_device: Callable[[str], Mapping[str, Any] | None],
    authorize: Callable[[Request], Response | None],
    past_of: Callable[[Mapping[str, Any], int], list[Line]] | None = None,
) -> list[BaseRoute]:
    """Routes serving ``GET /device/v2/{uuid}/logs`` (history and ``stream=1``).

    Args:
        hub: Where the lines live.
        find_device: The device with that uuid, or None (answered 404).
        authorize: None when the request carries valid user credentials, else the
            response to send (401).
        past_of: ``(device, before_ms)`` → the lines it wrote before the stand-in
            started, asked the first time its logs are read (see ``LogHub.backlog_once``).
    """

    async def device_logs(request: Request) -> Any:
        refused = authorize(request)
        if refused is not None:
            return refused
        uuid = request.path_params["uuid"]
        if hub.take_fault("rate_limited"):
            return Response(
                json.dumps("Too Many Requests"),
                status_code=429,
                headers={"Retry-After": "1"},
                media_type="application/json",
            )
        query = request.query_params
        streaming = query.get("stream") in ("1", "true")
        if streaming and hub.take_fault("unavailable"):
            return _error(503, "Service Unavailable")
        device = find_device(uuid)
        if device is None:
            return _error(404, f"No device with uuid {uuid}")
        if past_of is not None:
            hub.backlog_once(uuid, lambda before: past_of(device, before))
        now = hub.now_ms()
        lookback = STREAM_LOOKBACK_MS if streaming else HISTORY_LOOKBACK_MS
        try:
            start = max(_parse_start(query.get("start"), now - lookback), now - lookback)
            count = _parse_count(query.get("count"), 0 if streaming else HISTORY_CAP)
        except ValueError:
            return _error(400, "Invalid count or start parameter")
        count = HISTORY_CAP if count is None else min(count, HISTORY_CAP)
        if not streaming:
            lines = hub.history(uuid, start_ms=start, count=count)
            body = b"[" + b",".join(data for _, data in lines) + b"]"
            return Response(body, media_type="application/json")
        sub, backlog = hub.subscribe(uuid, start_ms=start, count=count)
        return _NdjsonStream(hub.chunks(sub, backlog), lambda: hub.unsubscribe(uuid, sub))

    return [Route("/device/v2/{uuid}/logs", device_logs, methods=["GET"])]


_MESSAGES = (
    "heartbeat ok",
    "reading sensor bus: temperature={t:.1f}C humidity={h:.0f}%",
    "uploaded {n} samples in {ms} ms",
    "GET /status 200 {ms}ms",
    "cache hit ratio {h:.0f}%",
)
_ERRORS = ("WARN retrying upstream connection ({try_}/5)", "ERROR sensor timeout after {ms} ms")
_SYSTEM = ("Supervisor: update check complete", "Service is already running", "Killing service")


class LogSimulator:
    """Makes online devices write log lines, as fleets do.

    Args:
        hub: Where lines go.
        online_uuids: The online devices and their service ids, asked each tick.
        rate: Lines per second per device, for devices with a live reader; the others
            write at the same rate but only a sample of them each tick (``budget``).
        budget: Most lines per second for devices nobody is reading.
        seed: For repeatable messages.
    """

    def __init__(
        self,
        hub: LogHub,
        online_uuids: Callable[[], list[tuple[str, list[int]]]],
        rate: float = 1.0,
        *,
        budget: int = 200,
        tick: float = 0.25,
        seed: int = 7,
    ) -> None:
        self.hub = hub
        self.online_uuids = online_uuids
        self.rate = rate
        self.budget = budget
        self.tick = tick
        self._random = random.Random(seed)
        self._carry: dict[str, float] = {}

    async def run(self) -> None:
        """Write lines every tick until cancelled."""
        while True:
            self.step(self.tick)
            await asyncio.sleep(self.tick)

    def step(self, seconds: float) -> int:
        """Write the lines of ``seconds`` of simulated time; return how many."""
        written = 0
        online = self.online_uuids()
        watched = [d for d in online if self.hub.subscriber_count(d[0])]
        idle = [d for d in online if not self.hub.subscriber_count(d[0])]
        share = max(0, int(self.budget * seconds))
        sample = self._random.sample(idle, min(len(idle), share))
        for uuid, services in watched + sample:
            due = self._carry.get(uuid, 0.0) + self.rate * seconds
            whole = int(due)
            self._carry[uuid] = due - whole
            for _ in range(whole):
                self._write_one(uuid, services)
            written += whole
        return written

    def _write_one(self, uuid: str, services: list[int]) -> None:
        message, service, is_system, is_stderr = _pick_line(self._random, services)
        self.hub.append(uuid, message, service_id=service, is_system=is_system, is_stderr=is_stderr)


def _pick_line(rng: random.Random, services: list[int]) -> tuple[str, int | None, bool, bool]:
    """One believable line: (message, service id, is system, is stderr)."""
    roll = rng.random()
    fill = {
        "t": rng.uniform(15, 35),
        "h": rng.uniform(20, 90),
        "n": rng.randint(1, 500),
        "ms": rng.randint(2, 900),
    }
    fill["try_"] = 1 + fill["n"] % 5  # from n, so the random sequence stays as it was
    if roll < 0.05 or not services:
        return rng.choice(_SYSTEM), None, True, False
    service = rng.choice(services)
    if roll < 0.15:
        return rng.choice(_ERRORS).format(**fill), service, False, True
    return rng.choice(_MESSAGES).format(**fill), service, False, False


def backlog_lines(
    uuid: str, services: list[int], before_ms: int, *, count: int, seed: int = 7
) -> list[Line]:
    """``count`` lines a device wrote, a few seconds apart, ending before ``before_ms``.

    The same device, seed and moment always give the same lines (screenshots).
    """
    rng = random.Random(f"{seed}:{uuid}")
    lines: list[Line] = []
    at = before_ms
    for _ in range(count):
        at -= rng.randint(2_000, 40_000)
        message, service, is_system, is_stderr = _pick_line(rng, services)
        lines.append((at, _encode(at, None, message, service, is_system, is_stderr)))
    lines.reverse()
    return lines


def standalone_app(hub: LogHub, devices: Mapping[str, Mapping[str, Any]], token: str) -> Any:
    """A Starlette app serving only the log routes (log tests and benchmarks).

    Args:
        hub: Where the lines live.
        devices: Known devices by uuid.
        token: The Bearer token clients must send.
    """
    from starlette.applications import Starlette

    def authorize(request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() == "bearer" and given == token:
            return None
        return Response(b"", status_code=401)

    return Starlette(routes=log_routes(hub, find_device=devices.get, authorize=authorize))
