"""How log events become lines of text on screen and in saved files.

A line is ``[time] [device] service flag message``: the time is the device's own
timestamp (UTC, to the millisecond), the device column appears when several devices
are merged, the service is its name when known (else its id), ``flag`` is ``err`` for
stderr and ``sys`` for system lines. Gap and
notice lines start with a marker so they read as such without colour (NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache

from console.backends.balena.logs import Gap, LogEvent, LogLine, Notice
from console.lastlook.logs import DIVIDER

GAP_MARK = "═══ "
DIVIDER_MARK = "─── "
"""Starts the line where the lines unread since the last look begin."""
NOTICE_MARK = "··· "
DEVICE_WIDTH = 10
SERVICE_WIDTH = 8
"""Cells of the service column: room for a name like ``frontend``."""


@dataclass(frozen=True)
class Layout:
    """Which columns to show."""

    timestamps: bool = True
    devices: bool = False

    @property
    def prefix_width(self) -> int:
        """Cells before the message starts (continuation lines are indented by it)."""
        device = DEVICE_WIDTH + 1 if self.devices else 0
        return (13 if self.timestamps else 0) + device + SERVICE_WIDTH + 5


@lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%H:%M:%S.")


def clock(ms: int) -> str:
    """``HH:MM:SS.mmm`` in UTC (the seconds part cached: lines come many per second)."""
    seconds, millis = divmod(ms, 1000)
    return f"{_second(seconds)}{millis:03d}"


def label(uuid: str, labels: Mapping[str, str]) -> str:
    """The device's name if known, else its short uuid."""
    return labels.get(uuid) or uuid[:7]


def format_line(
    line: LogLine,
    layout: Layout,
    labels: Mapping[str, str],
    services: Mapping[int, str] | None = None,
) -> str:
    """One log line as text; ``services`` names service ids (an unknown id shows as is)."""
    parts = []
    if layout.timestamps:
        parts.append(clock(line.timestamp))
    if layout.devices:
        parts.append(label(line.uuid, labels)[:DEVICE_WIDTH].ljust(DEVICE_WIDTH))
    service_id = line.service_id
    name = services.get(service_id) if services and service_id is not None else None
    if name:
        service = name[:SERVICE_WIDTH]
    else:  # an id keeps its last digits, the ones that tell ids apart
        service = "-" if service_id is None else str(service_id)[-SERVICE_WIDTH:]
    flag = "sys" if line.is_system else "err" if line.is_stderr else "   "
    parts.append(f"{service:>{SERVICE_WIDTH}} {flag}")
    parts.append(line.message)
    return " ".join(parts)


def format_gap(gap: Gap, labels: Mapping[str, str]) -> str:
    """The marker left where a device's stream dropped (the notice above it says why)."""
    seconds = max(0, gap.end_ms - gap.start_ms) / 1000
    lost = "" if gap.complete else "; older lines lost (history cap)"
    return (
        f"{GAP_MARK}{label(gap.uuid, labels)}: {seconds:.1f} s gap {clock(gap.start_ms)} → "
        f"{clock(gap.end_ms)}, {gap.backfilled} line(s) backfilled{lost}"
    )


def format_notice(notice: Notice, labels: Mapping[str, str]) -> str:
    """A stream notice (reconnecting, skipped line) as a line; the since-last-look
    divider as a rule across the view."""
    if notice.uuid == DIVIDER:
        return f"{DIVIDER_MARK}{notice.message} ───"
    return f"{NOTICE_MARK}{label(notice.uuid, labels)}: {notice.message}"


def format_event(
    event: LogEvent,
    layout: Layout,
    labels: Mapping[str, str],
    services: Mapping[int, str] | None = None,
) -> str:
    """Any event as one (unwrapped) line."""
    if isinstance(event, LogLine):
        return format_line(event, layout, labels, services)
    if isinstance(event, Gap):
        return format_gap(event, labels)
    return format_notice(event, labels)


def wrap(text: str, width: int, indent: int) -> list[str]:
    """Cut a line into pieces of ``width`` cells, continuation pieces indented."""
    if width <= indent + 8 or len(text) <= width:
        return [text]
    pieces = [text[:width]]
    rest = text[width:]
    room = width - indent
    while rest:
        pieces.append(" " * indent + rest[:room])
        rest = rest[room:]
    return pieces
