"""One Logs pane session: every event spooled, the matching tail kept for the screen.

No Textual here: the pane feeds ``ingest`` from its stream worker and drains
``take_pending`` on a 50 ms timer, so bursts reach the screen in batches. While
paused the stream keeps arriving: events are spooled and counted but not queued
for the screen; ``tail`` rebuilds the screen from the spool on resume or when the
filter changes.

A spool the disk refuses (full, read-only) keeps the newest lines in memory; the
session then puts one notice on screen saying that spooling stopped and why,
and the screen keeps following.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import msgspec

from console.backends.balena.logs import Gap, LogEvent, LogLine, Notice
from console.profiles.spool import Spool
from console.ui.logs.filter import LogFilter

SCREEN_LIMIT = 5000
"""Events kept for the screen (older ones are still in the spool)."""
SPOOL_NOTICE = "spool"
"""The ``uuid`` of the notice that says the spool stopped writing to disk."""


_ENCODER = msgspec.json.Encoder()
_DECODE_LINE = msgspec.json.Decoder(LogLine).decode


def encode(event: LogEvent) -> bytes:
    """One event as a spool record: a line as its JSON object, others as a tagged array."""
    if type(event) is LogLine:
        return _ENCODER.encode(event)
    if isinstance(event, Gap):
        fields = [event.uuid, event.start_ms, event.end_ms, event.backfilled]
        return _ENCODER.encode(["G", *fields, event.complete, event.reason])
    assert isinstance(event, Notice)
    return _ENCODER.encode(["N", event.uuid, event.message, event.level])


def decode(record: str) -> LogEvent:
    """Read back a spool record.

    Raises:
        ValueError: not a record ``encode`` wrote.
    """
    try:
        if record.startswith("{"):
            return _DECODE_LINE(record)
        kind, *fields = msgspec.json.decode(record)
        if kind == "G":
            return Gap(*fields)
        if kind == "N":
            return Notice(*fields)
    except (msgspec.DecodeError, msgspec.ValidationError, TypeError, ValueError) as exc:
        raise ValueError(f"unreadable spool record: {exc}") from exc
    raise ValueError(f"unknown spool record {kind!r}")


@dataclass
class Counters:
    """What the status line reports."""

    received: int = 0
    shown: int = 0
    gaps: int = 0
    while_paused: int = 0
    devices: set[str] = field(default_factory=set)


class LogSession:
    """Spool plus screen buffer for one pane.

    Args:
        spool: Where every event goes.
        screen_limit: Most events kept for the screen.
    """

    def __init__(self, spool: Spool, *, screen_limit: int = SCREEN_LIMIT) -> None:
        self.spool = spool
        self.screen_limit = screen_limit
        self.filter = LogFilter()
        self.paused = False
        self.counters = Counters()
        self._pending: list[LogEvent] = []
        self._told_stopped = False

    def keeps(self, event: LogEvent) -> bool:
        """Whether the screen shows this event under the current filter."""
        return not isinstance(event, LogLine) or self.filter.matches(event)

    def ingest(self, events: list[LogEvent]) -> None:
        """Spool a batch that arrived and queue what the filter keeps for the screen."""
        lines = sum(type(e) is LogLine for e in events)
        if lines == len(events):
            # The usual batch: msgspec writes the whole NDJSON block in one call.
            self.spool.append_block(_ENCODER.encode_lines(events), lines)
        else:
            self.spool.append([encode(event) for event in events])
        if self.spool.stopped is not None and not self._told_stopped:
            events = [*events, self._spool_stopped()]
        counters = self.counters
        counters.received += lines
        if lines != len(events):
            counters.gaps += sum(isinstance(e, Gap) for e in events)
        if self.paused:
            counters.while_paused += lines
            return
        self._pending.extend(self.filter.select(events))
        if len(self._pending) > self.screen_limit:
            del self._pending[: -self.screen_limit]

    def _spool_stopped(self) -> Notice:
        """Say once that the spool stopped writing to disk, why, and what is still kept."""
        self._told_stopped = True
        notice = Notice(
            SPOOL_NOTICE,
            f"stopped saving this session to disk ({self.spool.stopped}); still following: "
            "search and save keep the lines saved so far and the newest "
            f"{self.spool.memory_limit:,}",
        )
        self.spool.append([encode(notice)])
        return notice

    def take_pending(self) -> list[LogEvent]:
        """Hand over the events waiting for the screen."""
        pending, self._pending = self._pending, []
        self.counters.shown += sum(type(e) is LogLine for e in pending)
        return pending

    def tail(self, stop: int | None = None) -> list[LogEvent]:
        """The newest ``screen_limit`` events the filter keeps among the first ``stop`` spooled.

        Blocking file I/O: call it from a thread.
        """
        self.spool.flush()
        total = len(self.spool) if stop is None else stop
        window = self.screen_limit
        while True:
            start = max(0, total - window)
            kept = self.filter.select(list(self._read(start, total)))
            if len(kept) >= self.screen_limit or start == 0:
                return kept[-self.screen_limit :]
            window *= 4  # rare matches: look further back

    def resume(self) -> None:
        """Leave pause: the caller redraws from ``tail``."""
        self.paused = False
        self.counters.while_paused = 0
        self._pending.clear()

    def search(self, flt: LogFilter) -> Iterator[tuple[int, LogEvent]]:
        """Every spooled line of the session that ``flt`` matches, with its position."""
        self.spool.flush()
        for index, record in self.spool.numbered():
            event = decode(record)
            if isinstance(event, LogLine) and flt.matches(event):
                yield index, event

    def _read(self, start: int, stop: int) -> Iterator[LogEvent]:
        for record in self.spool.lines(start, stop):
            yield decode(record)
