"""Device logs over the balena API: history and the live NDJSON stream of many devices.

``GET /device/v2/<uuid>/logs`` (``protocols/balena.md`` §13) answers a JSON array;
with ``stream=1`` it never ends, sends a bare ``\\n`` every 58 s and nothing tells a
reader it fell off. So each device's stream is read with a read timeout above the
keep-alive; on any drop it reconnects with backoff, first backfilling the missed span
from history (``start=<last createdAt + 1>``), and reports a ``Gap`` so the operator
sees what the link lost.

Streams ride a connection pool of their own, sized to the devices followed: in the
API client's pool (100 connections) the 101st stream would wait silently for a slot,
and the streams would starve every other call of the client (history, device lists).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import msgspec

from console.backends.http import (
    MAX_RETRY_AFTER,
    jittered,
    map_http_errors,
    raise_for_status,
    retry_after,
    send,
)
from console.errors import AuthError, ConsoleError, NotFound, Unavailable

__all__ = ["MAX_FOLLOWED", "DeviceLogs", "Gap", "LogEvent", "LogLine", "Notice", "service_names"]

HISTORY_CAP = 1000
"""Most lines the API returns for one history request."""
MAX_FOLLOWED = 500
"""Most devices one reader follows at once: each is a stream (a connection, a file
descriptor) of its own, and the process's default limit is 1,024 descriptors."""
HISTORY_MERGE_WAIT = 0.5
"""Seconds a reader of several devices waits for each one's history, to merge them in order."""


class LogsClient(Protocol):
    """What ``DeviceLogs`` needs of a balena client (``BalenaClient`` has it)."""

    http: httpx.AsyncClient
    service_name: str


class LogLine(
    msgspec.Struct,
    kw_only=True,
    gc=False,
    rename={
        "created_at": "createdAt",
        "service_id": "serviceId",
        "is_system": "isSystem",
        "is_stderr": "isStdErr",
    },
):
    """One line a device wrote (decoded straight from the API's JSON by msgspec).

    Attributes:
        uuid: The device's full uuid (not on the wire: set by the reader).
        created_at: Server receive time, ms since the epoch (orders and resumes).
        timestamp: The device's own time for the line, ms since the epoch.
        message: The text.
        service_id: The service that wrote it; None on system lines.
        is_system: Written by the supervisor or the OS, not by a service.
        is_stderr: Written to stderr.
    """

    uuid: str = ""
    created_at: int
    timestamp: int
    message: str
    service_id: int | None = None
    is_system: bool = False
    is_stderr: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the line as the JSON object the CLI prints (API field names plus uuid)."""
        return {
            "uuid": self.uuid,
            "createdAt": self.created_at,
            "timestamp": self.timestamp,
            "isSystem": self.is_system,
            "isStdErr": self.is_stderr,
            "serviceId": self.service_id,
            "message": self.message,
        }


# msgspec decodes a whole NDJSON chunk in one call, ~10x faster than json.loads per
# line plus building an object: at 50,000 lines/s that is most of the reader's budget.
_LINES = msgspec.json.Decoder(LogLine)
_HISTORY = msgspec.json.Decoder(list[LogLine])
_DECODE_ERRORS = (msgspec.DecodeError, msgspec.ValidationError)


@dataclass(frozen=True, slots=True)
class Gap:
    """The stream of one device dropped and came back: what the link missed.

    Attributes:
        uuid: The device.
        start_ms: ``createdAt`` of the last line seen before the drop (or when it dropped).
        end_ms: When the stream was back (client clock, ms since the epoch).
        backfilled: Lines recovered from history for the span.
        complete: False when history hit its cap, so older lines of the span are lost.
        reason: Why the stream dropped, for the operator.
    """

    uuid: str
    start_ms: int
    end_ms: int
    backfilled: int
    complete: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the operator should know about a stream that is not a line.

    Attributes:
        uuid: The device.
        message: e.g. "reconnecting in 2 s" or "skipped a line that is not JSON".
        level: ``"information"`` or ``"warning"``.
    """

    uuid: str
    message: str
    level: str = "warning"


LogEvent = LogLine | Gap | Notice
"""What a stream yields."""


@dataclass
class _DeviceState:
    uuid: str
    last: int | None = None
    opened_ms: int = 0
    dropped: str | None = None
    backoff: float = 0.0
    partial: bytes = b""
    retry_after: float | None = None


class DeviceLogs:
    """Read device logs through a balena client.

    Args:
        client: Anything with ``http`` (base URL, auth, timeout) and ``service_name``.
        read_timeout: Seconds of silence before a stream counts as dropped; must exceed
            the API's 58 s keep-alive.
        backoff: First delay before a reconnect; doubles up to ``max_backoff``.
        max_backoff: Longest delay between reconnects.
    """

    def __init__(
        self,
        client: LogsClient,
        *,
        read_timeout: float = 90.0,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
    ) -> None:
        self._client = client
        self.read_timeout = read_timeout
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._queue: asyncio.Queue[Any] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._streams: httpx.AsyncClient | None = None

    @property
    def _service(self) -> str:
        return self._client.service_name

    async def history(
        self, uuid: str, count: int | str = HISTORY_CAP, start: int | None = None
    ) -> list[LogLine]:
        """Fetch a device's recent lines, oldest first.

        Args:
            uuid: The device's full uuid.
            count: How many (the API caps it at 1000), or ``"all"``.
            start: Only lines created at or after this (ms since the epoch).

        Returns:
            The lines, oldest first.

        Raises:
            AuthError: No user credentials. NotFound: no such device or no access.
            Unavailable: unreachable, timed out or a malformed reply.
        """
        params: dict[str, str] = {"count": str(count)}
        if start is not None:
            params["start"] = str(start)
        operation = f"read logs of {uuid[:7]}"
        request = self._client.http.build_request("GET", _path(uuid), params=params)
        try:
            response = await send(
                self._client.http, request, service=self._service, operation=operation
            )
        except AuthError as exc:
            raise AuthError(_AUTH_HINT.format(self._service), operation=operation) from exc
        try:
            lines = _HISTORY.decode(response.content)
        except _DECODE_ERRORS as exc:
            raise Unavailable(
                f"{self._service} sent malformed log history", operation=operation
            ) from exc
        for line in lines:
            line.uuid = uuid
        return lines

    async def stream(self, uuids: Iterable[str], *, count: int = 0) -> AsyncIterator[LogEvent]:
        """Follow the live logs of one or many devices, merged in arrival order
        (their histories first, in time order).

        Args:
            uuids: Full uuids of the devices.
            count: History lines per device to send first (≤ 1000).

        Yields:
            ``LogLine`` events, a ``Gap`` after each reconnect, ``Notice`` events.

        Raises:
            AuthError, NotFound: the API refused a device (not retried).
        """
        async for batch in self.batches(uuids, count=count):
            for event in batch:
                yield event

    async def batches(
        self, uuids: Iterable[str], *, count: int = 0
    ) -> AsyncIterator[list[LogEvent]]:
        """Like ``stream`` but yield events in the batches they arrived in (cheaper).

        With several devices and ``count``, the first batch is their histories merged
        in time order.

        Raises:
            ConsoleError: more than ``MAX_FOLLOWED`` devices (nothing is opened).
        """
        devices = list(dict.fromkeys(uuids))
        if len(devices) > MAX_FOLLOWED:
            raise ConsoleError(
                f"cannot follow {len(devices):,} devices at once: one reader follows at most "
                f"{MAX_FOLLOWED} (a stream each); follow fewer devices",
                title="Too many devices",
                operation="follow device logs",
            )
        self._streams = _stream_pool(self._client.http, len(devices))
        queue: asyncio.Queue[Any] = asyncio.Queue()
        self._queue = queue
        self._tasks = [
            asyncio.ensure_future(self._follow(_DeviceState(uuid), count, queue))
            for uuid in devices
        ]
        merge_first = count > 0 and len(devices) > 1
        try:
            while True:
                if merge_first:
                    merge_first = False
                    events, end = await _history_in_time_order(queue, set(devices))
                else:
                    events, end = _drain(await queue.get(), queue)
                if events:
                    yield events
                if isinstance(end, BaseException):
                    raise end
                if end is _STOP:
                    return
        finally:
            await self.stop()

    async def stop(self) -> None:
        """End every stream this reader has open."""
        if self._queue is not None:
            self._queue.put_nowait(_STOP)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        streams, self._streams = self._streams, None
        if streams is not None:
            await streams.aclose()

    async def _follow(self, state: _DeviceState, count: int, queue: asyncio.Queue[Any]) -> None:
        try:
            while True:
                try:
                    await self._connect(state, count, queue)
                    reason = "the stream ended"
                except (AuthError, NotFound) as exc:
                    queue.put_nowait(exc)
                    return
                except ConsoleError as exc:
                    reason = exc.message
                await self._wait_before_retry(state, reason, queue)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an unexpected bug must reach the reader, not vanish
            queue.put_nowait(exc)

    async def _wait_before_retry(
        self, state: _DeviceState, reason: str, queue: asyncio.Queue[Any]
    ) -> None:
        if state.dropped is None:
            state.dropped = reason
            state.opened_ms = state.opened_ms or _now_ms()
        state.backoff = min(self.max_backoff, state.backoff * 2 or self.backoff)
        # Jittered, so the streams a restart dropped all at once do not all come back at once.
        delay, state.retry_after = state.retry_after or jittered(state.backoff), None
        message = f"stream of {state.uuid[:7]} dropped ({reason}); reconnecting in {delay:.3g} s"
        queue.put_nowait([Notice(state.uuid, message)])
        await asyncio.sleep(delay)

    async def _connect(self, state: _DeviceState, count: int, queue: asyncio.Queue[Any]) -> None:
        if state.dropped is not None:
            queue.put_nowait(await self._backfill(state))
        params = {"stream": "1", "count": str(count if state.last is None else HISTORY_CAP)}
        if state.last is not None:
            params["start"] = str(state.last + 1)
        timeout = httpx.Timeout(self.read_timeout, connect=min(10.0, self.read_timeout))
        operation = f"follow logs of {state.uuid[:7]}"
        assert self._streams is not None, "streams are opened by batches()"
        with map_http_errors(self._service, operation):
            async with self._streams.stream(
                "GET", _path(state.uuid), params=params, timeout=timeout
            ) as response:
                await self._check(response, state, operation)
                state.opened_ms = state.opened_ms or _now_ms()
                state.partial = b""
                async for chunk in response.aiter_bytes():
                    events = self._parse(state, chunk)
                    if events:
                        state.backoff = 0.0
                        queue.put_nowait(events)
                    # A socket with data waiting never suspends the read: let the UI run.
                    await asyncio.sleep(0)

    async def _check(self, response: httpx.Response, state: _DeviceState, operation: str) -> None:
        if response.status_code < 400:
            return
        await response.aread()
        if response.status_code == 429:
            wait = retry_after(response)
            if wait is not None:
                state.retry_after = min(wait, MAX_RETRY_AFTER)
        _refuse(response, self._service, operation)

    async def _backfill(self, state: _DeviceState) -> list[LogEvent]:
        start = state.last + 1 if state.last is not None else state.opened_ms
        lines = await self.history(state.uuid, HISTORY_CAP, start=start)
        lines = [line for line in lines if state.last is None or line.created_at > state.last]
        gap = Gap(
            uuid=state.uuid,
            start_ms=state.last if state.last is not None else start,
            end_ms=_now_ms(),
            backfilled=len(lines),
            complete=len(lines) < HISTORY_CAP,
            reason=state.dropped or "",
        )
        state.dropped = None
        if lines:
            state.last = lines[-1].created_at
        return [gap, *lines]

    def _parse(self, state: _DeviceState, chunk: bytes) -> list[LogEvent]:
        data = state.partial + chunk
        end = data.rfind(b"\n") + 1
        # After the last newline is a line still on its way: keep it for the next chunk.
        state.partial = data[end:]
        if not end:
            return []
        try:
            lines: list[Any] = _LINES.decode_lines(data[:end])  # skips keep-alive blank lines
        except _DECODE_ERRORS:
            lines = _decode_each(state.uuid, data[:end])
        kept: list[LogEvent] = []
        uuid, last = state.uuid, state.last
        for line in lines:
            if type(line) is LogLine:
                if last is not None and line.created_at <= last:
                    continue  # history and live overlap by createdAt after a reconnect
                line.uuid = uuid
                last = line.created_at
            kept.append(line)
        state.last = last
        return kept


async def service_names(client: Any, uuids: Iterable[str]) -> dict[int, str]:
    """Name every service a log line of these devices can carry (``serviceId`` → name).

    The services of the devices' fleets, read in one request (the fleet's reverse
    navigation ``service``, protocol §3), so lines of a service the current release
    no longer runs are named too.

    Args:
        client: A ``BalenaClient`` (anything with its ``get``).
        uuids: Full uuids of the devices.

    Raises:
        ConsoleError: the request failed.
    """
    fleets = {
        "$select": ["id"],
        "$expand": {"service": {"$select": ["id", "service_name"]}},
    }
    query = {
        "$select": ["uuid"],
        "$filter": {"uuid": {"$in": sorted(set(uuids))}},
        "$expand": {"belongs_to__application": fleets},
    }
    rows = await client.get("device", query, "list the services of the devices")
    return {
        service["id"]: service["service_name"]
        for row in rows
        for fleet in row.get("belongs_to__application") or []
        for service in fleet.get("service") or []
    }


def _decode_each(uuid: str, data: bytes) -> list[Any]:
    """Decode line by line, turning the malformed ones into notices."""
    events: list[Any] = []
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            events.append(_LINES.decode(raw))
        except _DECODE_ERRORS:
            events.append(Notice(uuid, "skipped a log line that is not valid JSON"))
    return events


_AUTH_HINT = (
    "{} refused the credentials (401): reading logs needs a user token or user API key "
    "(not a device key); check the profile's balena token"
)


def _refuse(response: httpx.Response, service: str, operation: str) -> None:
    """Raise the console error for an error status, with the logs-specific 401 advice."""
    if response.status_code == 401:
        raise AuthError(_AUTH_HINT.format(service), operation=operation)
    raise_for_status(response, service=service, operation=operation)


def _stream_pool(http: httpx.AsyncClient, devices: int) -> httpx.AsyncClient:
    """A client like ``http`` (same base URL, headers, auth) with a slot for every stream."""
    return httpx.AsyncClient(
        base_url=http.base_url,
        headers=http.headers,
        cookies=http.cookies,
        auth=http.auth,
        timeout=http.timeout,
        follow_redirects=http.follow_redirects,
        event_hooks=http.event_hooks,
        limits=httpx.Limits(max_connections=devices, max_keepalive_connections=devices),
    )


def _path(uuid: str) -> str:
    return f"/device/v2/{uuid}/logs"


def _now_ms() -> int:
    return int(time.time() * 1000)


_STOP = object()
"""Put in a reader's queue by ``stop()``: the merged stream ends."""


async def _history_in_time_order(
    queue: asyncio.Queue[Any], devices: set[str]
) -> tuple[list[LogEvent], Any]:
    """The first lines of several devices' streams (their history), merged by ``createdAt``.

    Each stream sends its device's history as it connects, so in arrival order one
    device's past would follow another's whole. Waits until every device has sent a
    line, or ``HISTORY_MERGE_WAIT`` (a device may have no history at all).

    Returns:
        The events, and what ended the wait early (an error or ``_STOP``), else None.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HISTORY_MERGE_WAIT
    held: list[LogEvent] = []
    waiting, end = set(devices), None
    while waiting and end is None:
        try:
            item = await asyncio.wait_for(queue.get(), deadline - loop.time())
        except asyncio.TimeoutError:
            break
        events, end = _drain(item, queue)
        held.extend(events)
        waiting.difference_update(e.uuid for e in events if type(e) is LogLine)
    lines = sorted((e for e in held if type(e) is LogLine), key=lambda e: e.created_at)
    return [e for e in held if type(e) is not LogLine] + lines, end


def _drain(first: Any, queue: asyncio.Queue[Any]) -> tuple[list[LogEvent], Any]:
    """Merge ``first`` and every batch already queued (fewer, bigger batches for the UI).

    Returns:
        The events, and what ended the drain early (an error or ``_STOP``), else None.
    """
    events: list[LogEvent] = []
    item = first
    while True:
        if item is _STOP or isinstance(item, BaseException):
            return events, item
        events.extend(item)
        if queue.empty():
            return events, None
        item = queue.get_nowait()
