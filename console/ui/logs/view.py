"""The log view: Textual's ``Log`` fed in batches, with matches and kinds highlighted.

``Log.write_lines`` takes 50,000 lines/s with the event loop late by 2 ms at p95
(DESIGN.md); ``RichLog`` per line is 12x slower. ``Log`` has no wrapping, so
wrapped mode cuts lines to the view's width before writing and re-flows the
kept events when the width or a toggle changes. The view is bounded: it keeps
``limit`` events and as many lines (``WRAPPED_LINES`` times that when wrapping);
the whole session stays in the pane's spool.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping

from rich.cells import cell_len
from rich.highlighter import Highlighter
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widgets import Log

from console.backends.balena.logs import LogEvent
from console.ui.logs.filter import LogFilter
from console.ui.logs.render import (
    DIVIDER_MARK,
    GAP_MARK,
    NOTICE_MARK,
    Layout,
    format_event,
    wrap,
)

WRAPPED_LINES = 4
"""Screen lines allowed per kept event when wrapping (long lines take several)."""


class _LogHighlighter(Highlighter):
    """Styles gap and notice lines, stderr and system flags, and filter matches."""

    def __init__(self, view: LogView) -> None:
        self.view = view

    def highlight(self, text: Text) -> None:
        plain = text.plain
        styles = self.view.styles_by_role()
        if plain.startswith((GAP_MARK, DIVIDER_MARK)):
            text.stylize(styles["gap"])
            return
        if plain.startswith(NOTICE_MARK):
            text.stylize(styles["notice"])
            return
        offset = self.view.columns.prefix_width
        flag = plain[offset - 4 : offset - 1]
        if flag == "err":
            text.stylize(styles["stderr"], offset - 4)
        elif flag == "sys":
            text.stylize(styles["system"], offset - 4)
        for start, end in self.view.match_filter.spans(plain[offset:]):
            text.stylize(styles["match"], offset + start, offset + end)


class LogView(Log):
    """The lines of a Logs pane; keeps the shown events to re-render on toggles."""

    COMPONENT_CLASSES = {
        "log-view--match",
        "log-view--stderr",
        "log-view--system",
        "log-view--gap",
        "log-view--notice",
    }
    DEFAULT_CSS = """
    LogView {
        height: 1fr;
        & > .log-view--match { text-style: bold reverse; color: $warning; }
        & > .log-view--stderr { color: $error; }
        & > .log-view--system { color: $text-muted; text-style: italic; }
        & > .log-view--gap { text-style: bold reverse; color: $warning; }
        & > .log-view--notice { color: $text-muted; text-style: italic; }
    }
    """

    def __init__(self, *, limit: int, id: str | None = None) -> None:
        super().__init__(highlight=True, max_lines=limit, id=id)
        self.highlighter = _LogHighlighter(self)
        self.limit = limit
        """Most events kept, and lines shown when not wrapping."""
        self.kept: deque[LogEvent] = deque(maxlen=limit)
        self.columns = Layout()
        self.labels: Mapping[str, str] = {}
        self.service_names: Mapping[int, str] = {}
        """Service id to name, for the service column."""
        self.match_filter = LogFilter()
        self.wrap_lines = False
        self._wrapped_at = 0
        self._styles: dict[str, Style] | None = None
        self._combined: dict[tuple[Style, tuple[str, ...]], Style] = {}
        # Two screens of rendered lines are all a scroll reuses; Log's 1024 strips (each
        # with seven small caches) only add work for the garbage collector at high rates.
        self._render_line_cache = LRUCache(128)

    def styles_by_role(self) -> dict[str, Style]:
        """The component styles, looked up once per stylesheet change (not per line)."""
        if self._styles is None:
            self._styles = {
                role: self.get_component_rich_style(f"log-view--{role}")
                for role in ("match", "stderr", "system", "gap", "notice")
            }
        return self._styles

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._combined.clear()

    def _render_line_strip(self, y: int, rich_style: Style) -> Strip:
        # Lines are cut into styled segments directly: going through a Rich Text and
        # a Highlighter made each frame 3x dearer, which at 50,000 lines/s is what
        # made the UI late. Log caches only while text is selected; we always do.
        if self.text_selection is not None:
            return super()._render_line_strip(y, rich_style)
        cached = self._render_line_cache.get(y)
        if cached is None:
            line = self._process_line(self._lines[y])
            cached = Strip(self._segments(line, rich_style), cell_len(line))
            self._render_line_cache[y] = cached
        return cached

    def _segments(self, line: str, base: Style) -> list[Segment]:
        segments: list[Segment] = []
        position = 0
        for start, end, roles in self._spans(line):
            if start > position:
                segments.append(Segment(line[position:start], base))
            segments.append(Segment(line[start:end], self._style(base, roles)))
            position = end
        if position < len(line) or not segments:
            segments.append(Segment(line[position:], base))
        return segments

    def _spans(self, line: str) -> list[tuple[int, int, tuple[str, ...]]]:
        """Styled stretches of a line, in order: gap/notice, flag colour, matches."""
        if line.startswith((GAP_MARK, DIVIDER_MARK)):
            return [(0, len(line), ("gap",))]
        if line.startswith(NOTICE_MARK):
            return [(0, len(line), ("notice",))]
        offset = self.columns.prefix_width
        flag = {"err": "stderr", "sys": "system"}.get(line[offset - 4 : offset - 1])
        kind: tuple[str, ...] = (flag,) if flag else ()
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        position = offset - 4 if flag else offset
        for start, end in self.match_filter.spans(line[offset:]):
            if offset + start > position and kind:
                spans.append((position, offset + start, kind))
            spans.append((offset + start, offset + end, (*kind, "match")))
            position = offset + end
        if kind and position < len(line):
            spans.append((position, len(line), kind))
        return spans

    def _style(self, base: Style, roles: tuple[str, ...]) -> Style:
        key = (base, roles)
        style = self._combined.get(key)
        if style is None:
            styles = self.styles_by_role()
            style = self._combined[key] = sum((styles[r] for r in roles), base)
        return style

    def add(self, events: Iterable[LogEvent]) -> int:
        """Append events to the view; return how many screen lines were written."""
        batch = list(events)
        self.kept.extend(batch)
        lines = self._render(batch)
        if lines:
            self.write_lines(lines)
        return len(lines)

    def redraw(self, events: Iterable[LogEvent] | None = None) -> None:
        """Replace what is shown (with ``events``, or re-render the kept ones)."""
        if events is not None:
            self.kept.clear()
            self.kept.extend(events)
        self.clear()
        self._render_line_cache.clear()
        self.write_lines(self._render(list(self.kept)))

    def on_resize(self) -> None:
        if self.wrap_lines and self.size.width != self._wrapped_at:
            self.redraw()

    def _render(self, events: list[LogEvent]) -> list[str]:
        names = self.service_names
        lines = [format_event(e, self.columns, self.labels, names) for e in events]
        self._wrapped_at = width = self.scrollable_content_region.width
        self.max_lines = self.limit * (WRAPPED_LINES if self.wrap_lines else 1)
        if not self.wrap_lines or width <= 0:
            return lines
        indent = self.columns.prefix_width
        return [piece for line in lines for piece in wrap(line, width, indent)]
