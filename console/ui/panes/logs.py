"""The Logs pane: follow the live logs of one device or several merged.

The stream worker spools every event and queues the ones the filter keeps; a
50 ms timer writes the queue to the view in one batch, so a burst of thousands of
lines costs one ``write_lines``. Paused, the stream keeps arriving into the spool;
resuming, changing the filter and saving read the spool, so they see the whole
session, not just the screen. Service names come from the devices' fleets when
following starts; the service column shows them, and ``service=main`` filters by them.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.worker import Worker

from console.backends.balena.logs import (
    DeviceLogs,
    Gap,
    LogEvent,
    Notice,
    service_names,
)
from console.clients import Clients
from console.errors import ConsoleError
from console.profiles import locations
from console.profiles.spool import Spool
from console.ui.errors import report_failure
from console.ui.logs.filter import FilterError, LogFilter
from console.ui.logs.render import Layout, format_event
from console.ui.logs.session import SCREEN_LIMIT, LogSession, decode
from console.ui.logs.since import LogsSince, is_divider
from console.ui.logs.view import LogView
from console.ui.panes.base import Pane
from console.ui.widgets.status_line import StatusLine

FLUSH_SECONDS = 0.05
"""How often queued lines are drawn: one ``write_lines`` per 50 ms whatever the rate."""
STATUS_SECONDS = 0.25
"""Least time between two status-line updates while lines stream in."""
BACKLOG = 100
"""History lines per device shown when following starts."""


class LogsPane(Pane):
    """Tail device logs: follow/pause, wrap, timestamps, filters, gaps, save."""

    pane_id = "logs"
    title = "Logs"
    key = "3"
    section = "balena"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "toggle_pause", "Pause", tooltip="Pause or resume following", id="logs-pause"),
        Binding("w", "toggle_wrap", "Wrap", tooltip="Wrap long lines", id="logs-wrap"),
        Binding("t", "toggle_timestamps", "Times", tooltip="Show timestamps", id="logs-times"),
        Binding("e", "cycle_stderr", "Stderr", tooltip="All / only / no stderr", id="logs-stderr"),
        Binding("s", "cycle_system", "System", tooltip="All / only / no system", id="logs-system"),
        Binding("ctrl+s", "save", "Save", tooltip="Save the session's lines", id="logs-save"),
    ]
    DEFAULT_CSS = """
    LogsPane { layout: vertical; }
    """

    def __init__(
        self,
        clients: Clients,
        *,
        reader: dict[str, Any] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(clients, id=id)
        self._reader_options = reader or {}
        self._reader: DeviceLogs | None = None
        self._labels: dict[str, str] = {}
        self._devices: list[str] = []
        self._services: dict[int, str] | None = None
        """Service id to name for the devices followed; None until known."""
        self._asked = LogFilter()
        """The filter as typed: service names are resolved from it whenever names arrive."""
        self.session: LogSession | None = None
        self._arrivals: list[tuple[float, int]] = []
        self.lag_samples: deque[tuple[float, int]] = deque(maxlen=100_000)
        """(seconds from arrival to painted, lines) per batch, for the benchmark."""
        self._status = ""
        self._status_at = 0.0
        self._status_dirty = False
        self._redrawing = False
        self.since = LogsSince(self.profile.name, backlog=BACKLOG)
        """The last line read per device (kept per profile), and what is unread now."""
        self._hidden = False
        self._view = LogView(limit=SCREEN_LIMIT, id="logs-view")

    def compose(self) -> ComposeResult:
        yield StatusLine(id="logs-status")
        yield self._view

    def on_mount(self) -> None:
        self.set_interval(FLUSH_SECONDS, self._flush, name="logs-flush")
        self._update_status()

    @property
    def view(self) -> LogView:
        """The widget the lines are drawn in."""
        return self._view

    def tail(self, devices: Iterable[str] | Mapping[str, str]) -> None:
        """Follow devices: full uuids, or a mapping of uuid to the label to show."""
        uuids = self._devices = self.set_devices(devices)
        self._open_session()
        self._services = None
        self.view.redraw([])
        self._load_service_names(uuids)
        self._follow(uuids)
        self._update_status()

    def set_devices(self, devices: Iterable[str] | Mapping[str, str]) -> list[str]:
        """Name the devices shown (a device column appears for several); return the uuids."""
        labels = dict(devices) if isinstance(devices, Mapping) else {u: "" for u in devices}
        self._labels = {uuid: name for uuid, name in labels.items() if name}
        view = self.view
        view.labels = self._labels
        view.columns = Layout(view.columns.timestamps, devices=len(labels) > 1)
        return list(labels)

    def ingest(self, events: list[LogEvent]) -> None:
        """Take a batch of events (from the stream worker, or a test feeding the pane)."""
        if self.session is None:
            self._open_session()
        assert self.session is not None
        self.session.ingest(events)
        self._arrivals.append((time.monotonic(), len(events)))

    def run_command(self, args: str) -> None:
        """``:logs ID [ID...]`` follows devices; ``:logs find FILTER`` searches the session."""
        words = args.split(maxsplit=1)
        if words and words[0] == "find":
            self._find(words[1] if len(words) > 1 else "")
        elif words:
            self._resolve_and_follow(args.split())
        else:
            self.notify("Name a device: ':logs <id, uuid or short uuid> ...'", severity="warning")

    def apply_filter(self, text: str) -> None:
        """Filter by text, /regex/, service=NAME or ID, is:/not: stderr or system.

        See ``ui/logs/filter``. A filter that cannot be used keeps the old one.
        """
        try:
            flt = LogFilter.parse(text)
        except FilterError as exc:
            self.notify(str(exc), title="Bad filter", severity="error")
            return
        self._use_filter(flt)

    def _use_filter(self, asked: LogFilter) -> None:
        """Resolve service names (when known) and show what the filter keeps."""
        resolved = self._resolved(asked)
        if resolved is not None:
            self._asked = asked
            self._set_filter(resolved)

    def _resolved(self, asked: LogFilter) -> LogFilter | None:
        """The filter with its service names as ids; None (and a notification) if it cannot be.

        While the names of the devices followed are on their way, names stay unresolved
        (matching no line) and are resolved when the names arrive.
        """
        if not asked.service_names or (self._services is None and self._devices):
            return asked
        try:
            return asked.resolve(self._services or {})
        except FilterError as exc:
            self.notify(str(exc), title="Bad filter", severity="error", markup=False)
            return None

    def action_toggle_pause(self) -> None:
        """Pause (the stream keeps buffering into the spool) or resume following."""
        session = self.session
        if session is None:
            return
        if session.paused:
            session.resume()
            self.view.auto_scroll = True
            self._redraw_from_spool()
        else:
            session.paused = True
            self.view.auto_scroll = False
        self._update_status()

    def action_toggle_wrap(self) -> None:
        """Wrap long lines to the view's width, or let them scroll sideways."""
        self.view.wrap_lines = not self.view.wrap_lines
        self.view.redraw()
        self._update_status()

    def action_toggle_timestamps(self) -> None:
        """Show or hide the time column."""
        view = self.view
        view.columns = Layout(not view.columns.timestamps, view.columns.devices)
        view.redraw()

    def action_cycle_stderr(self) -> None:
        """All lines → only stderr → no stderr."""
        self._use_filter(replace(self._asked, stderr=_cycle(self._asked.stderr)))

    def action_cycle_system(self) -> None:
        """All lines → only system → no system."""
        self._use_filter(replace(self._asked, system=_cycle(self._asked.system)))

    def action_save(self) -> None:
        """Save every spooled line the filter keeps to the profile's exports directory."""
        if self.session is None:
            self.notify("Nothing to save yet.", severity="warning")
            return
        self._save()

    def pane_shown(self) -> None:
        self._hidden = False

    def pane_hidden(self) -> None:
        """Keep following while hidden (the spool must not miss lines); what was on
        screen counts as read."""
        self._hidden = True
        self.run_worker(partial(self.since.save, list(self.view.kept)), thread=True,
                        exclusive=True, group="logs-look", description="Saving the last look",
                        exit_on_error=False)

    async def on_unmount(self) -> None:
        if not self._hidden:  # quitting while reading: no worker runs now, the file is small
            self.since.save(self._view.kept)  # (the view may be unmounted: its lines are not)
        if self._reader is not None:
            await self._reader.stop()
        if self.session is not None:
            self.session.spool.close()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if report_failure(self, event) is not None:
            # The whole reason: the status line wraps rather than cut a word in half.
            self._update_status(f"stopped: {event.worker.error}")

    @work(
        exclusive=True,
        group="logs-stream",
        description="Following device logs",
        exit_on_error=False,
    )
    async def _follow(self, uuids: list[str]) -> None:
        self._reader = DeviceLogs(await self._get_client(), **self._reader_options)
        await asyncio.to_thread(self.since.start, uuids)
        async for batch in self._reader.batches(uuids, count=BACKLOG):
            self.ingest(self.since.mark(batch))
            for event in batch:
                if isinstance(event, Notice):
                    self._notice(event)
                elif isinstance(event, Gap):
                    self.query_one(StatusLine).recovered()

    def _notice(self, notice: Notice) -> None:
        """A dropped stream retries by itself until it is back (a ``Gap`` says so): that is
        said in the status line, updated on each try, not in a notification per try."""
        if "reconnecting" in notice.message:
            self.query_one(StatusLine).fail(notice.message, "missed lines are backfilled")
        else:
            self.notify(notice.message, title="Logs", severity=notice.level)  # type: ignore[arg-type]

    @work(
        exclusive=True,
        group="logs-services",
        description="Naming the devices' services",
        exit_on_error=False,
    )
    async def _load_service_names(self, uuids: list[str]) -> None:
        client = await self._get_client()
        names: dict[int, str] = {}
        if hasattr(client, "get"):  # a full balena client; a bare logs reader cannot ask
            try:
                names = await service_names(client, uuids)
            except ConsoleError as exc:  # the logs still flow: say so, show ids
                self.notify(f"Service names unknown: {exc.message}", severity="warning")
        if uuids == self._devices:
            self._service_names_known(names)

    def _service_names_known(self, names: dict[int, str]) -> None:
        self._services = names
        self.view.service_names = names
        self.view.redraw()
        if self._asked.service_names:
            self._use_filter(self._asked)

    @work(exclusive=True, group="logs-resolve", description="Finding devices", exit_on_error=False)
    async def _resolve_and_follow(self, identifiers: list[str]) -> None:
        client = await self._get_client()
        labels: dict[str, str] = {}
        for identifier in identifiers:
            device = await client.resolve_device(identifier)  # type: ignore[attr-defined]
            labels[device.uuid] = getattr(device, "name", "") or ""
        self.tail(labels)

    @work(
        exclusive=True,
        group="logs-redraw",
        description="Reading the log spool",
        exit_on_error=False,
    )
    async def _redraw_from_spool(self) -> None:
        session = self.session
        if session is None:
            return
        # The spool up to here is read back; what arrives meanwhile waits in pending
        # (the flush holds off) and is drawn after, so nothing is lost or shown twice.
        session.take_pending()
        stop = len(session.spool)
        self._redrawing = True
        try:
            events = await asyncio.to_thread(session.tail, stop)  # blocking file reads
            self.view.redraw(events)
        finally:
            self._redrawing = False
        self._update_status()

    @work(
        exclusive=True,
        group="logs-find",
        description="Searching the log session",
        exit_on_error=False,
    )
    async def _find(self, spec: str) -> None:
        session = self.session
        try:
            asked = LogFilter.parse(spec)
        except FilterError as exc:
            self.notify(str(exc), title="Bad filter", severity="error")
            return
        flt = self._resolved(asked)
        if flt is None:
            return
        if session is None or not flt.active:
            self.notify("Follow a device first, then ':logs find <filter>'.", severity="warning")
            return
        # The whole spooled session, not just the screen: blocking reads of a big file.
        found = await asyncio.to_thread(lambda: sum(1 for _ in session.search(flt)))
        self.notify(
            f"{found:,} of {session.counters.received:,} lines of this session match", title="Logs"
        )
        self._asked = asked
        self._set_filter(flt)

    @work(exclusive=True, group="logs-save", description="Saving logs", exit_on_error=False)
    async def _save(self) -> None:
        session = self.session
        assert session is not None
        target = locations.new_export(self.profile.name, "logs", "log")
        written = await asyncio.to_thread(self._write_saved, session, target)
        self.notify(f"Saved {written:,} line(s) to {target}", title="Logs")

    def _write_saved(self, session: LogSession, target: Path) -> int:
        layout = Layout(timestamps=True, devices=True)

        def keep(record: str) -> bool:
            event = decode(record)
            return session.keeps(event) and not is_divider(event)

        names = self._services or {}

        def render(record: str) -> str:
            return format_event(decode(record), layout, self._labels, names)

        session.spool.flush()
        return session.spool.save(target, keep=keep, render=render)

    async def _get_client(self) -> Any:
        return await self.clients.balena()

    def _flush(self) -> None:
        session = self.session
        if session is None or self._redrawing:
            return
        arrivals, self._arrivals = self._arrivals, []
        events = session.take_pending()
        if events:
            self.view.add(events)
            self.call_after_refresh(self._painted, arrivals)
        # Counters change with every batch; four redraws a second of them are plenty.
        self._status_dirty |= bool(arrivals)
        if self._status_dirty and time.monotonic() - self._status_at >= STATUS_SECONDS:
            self._update_status()

    def _painted(self, arrivals: list[tuple[float, int]]) -> None:
        now = time.monotonic()
        self.lag_samples.extend((now - at, count) for at, count in arrivals)

    def _set_filter(self, flt: LogFilter) -> None:
        self.view.match_filter = flt
        if self.session is None:
            self._open_session()
        assert self.session is not None
        self.session.filter = flt
        self._update_status()
        self._redraw_from_spool()

    def _open_session(self) -> None:
        if self.session is not None:
            return
        spool = Spool.create(self.profile.name, "logs")
        self.session = LogSession(spool, screen_limit=SCREEN_LIMIT)

    def _update_status(self, override: str | None = None) -> None:
        text = override or self._status_text()
        self._status_at, self._status_dirty = time.monotonic(), False
        if text != self._status:
            self._status = text
            # One row of fixed height: no layout pass needed (it would redraw the screen).
            self.query_one(StatusLine).update(text, layout=False)

    def _status_text(self) -> str:
        session = self.session
        if session is None or not (self._devices or session.counters.received):
            return "No device. Type :logs <device> (id, uuid or short uuid) to follow it."
        c = session.counters
        state = f"PAUSED ({c.while_paused:,} new)" if session.paused else "following"
        parts = [state, f"{c.received:,} lines", f"filter: {session.filter.describe()}"]
        if c.gaps:
            parts.append(f"{c.gaps} gap(s)")
        parts.append(self.since.text())
        if self.view.wrap_lines:
            parts.append("wrap")
        return " │ ".join(part for part in parts if part)


def _cycle(value: bool | None) -> bool | None:
    return True if value is None else False if value else None
