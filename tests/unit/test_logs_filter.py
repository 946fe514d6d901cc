"""The Logs pane's filter grammar, line rendering and spool records."""

from __future__ import annotations

import pytest

from console.backends.balena.logs import Gap, LogLine, Notice
from console.ui.logs.filter import FilterError, LogFilter
from console.ui.logs.render import Layout, format_gap, format_line, wrap
from console.ui.logs.session import decode, encode

UUID = "0123456789abcdef0123456789abcdef"


def line(message: str, **kw: object) -> LogLine:
    stamp = 1_700_000_000_123
    return LogLine(uuid=UUID, created_at=stamp, timestamp=stamp, message=message, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec", "message", "kw", "shown"),
    [
        ("disk", "Disk full", {}, True),
        ("Disk", "disk full", {}, False),  # smart case: capitals match exactly
        ("re:^net\\b", "net up", {}, True),
        ("/err(or)?/", "an error", {}, True),
        ("service=4,5", "x", {"service_id": 5}, True),
        ("service=4", "x", {"service_id": 5}, False),
        ("is:stderr", "x", {"is_stderr": True}, True),
        ("is:stderr", "x", {}, False),
        ("not:system", "x", {"is_system": True}, False),
        ("is:system boot", "boot done", {"is_system": True}, True),
    ],
    ids=lambda v: str(v),
)
def test_filter_grammar(spec: str, message: str, kw: dict[str, object], shown: bool) -> None:
    assert LogFilter.parse(spec).matches(line(message, **kw)) is shown


@pytest.mark.parametrize("spec", ["re:([", "service=", "svc=,", "/a/ plain"])
def test_bad_filters_are_clear_errors(spec: str) -> None:
    with pytest.raises(FilterError):
        LogFilter.parse(spec)


def test_spans_locate_every_match() -> None:
    assert LogFilter.parse("ab").spans("ab xab AB") == [(0, 2), (4, 6), (7, 9)]
    assert not LogFilter.parse("").active and LogFilter.parse("is:stderr").active


def test_line_columns_follow_the_layout() -> None:
    text = format_line(line("hello", service_id=42, is_stderr=True), Layout(), {})
    assert text == "22:13:20.123       42 err hello"
    merged = format_line(line("hi", is_system=True), Layout(False, True), {UUID: "gw-01"})
    assert merged == "gw-01             - sys hi"
    assert merged.index("hi") == Layout(False, True).prefix_width


def test_service_column_shows_names_when_known() -> None:
    names = {42: "frontend-proxy", 7: "main"}
    named = format_line(line("up", service_id=42), Layout(False), {}, names)
    assert named == "frontend     up"  # cut to the column
    assert format_line(line("up", service_id=7), Layout(False), {}, names).startswith("    main")
    unnamed = format_line(line("up", service_id=123456789), Layout(False), {}, names)
    assert unnamed.startswith("23456789    ")  # an id keeps its last digits
    assert unnamed.index("up") == named.index("up") == Layout(False).prefix_width


def test_service_names_resolve_to_ids_and_ids_keep_working() -> None:
    names = {3: "main", 4: "agent", 9: "main"}  # two fleets merged: "main" has two ids
    flt = LogFilter.parse("service=Main,4")
    assert flt.service_names == frozenset({"main"}) and flt.services == frozenset({4})
    assert not flt.matches(line("x", service_id=3))  # a name not yet resolved matches nothing
    resolved = flt.resolve(names)
    shown = {sid for sid in (3, 4, 9, 5) if resolved.matches(line("x", service_id=sid))}
    assert shown == {3, 4, 9}
    assert resolved.describe() == "service main,4"
    assert LogFilter.parse("svc=7").resolve(names).matches(line("x", service_id=7))
    with pytest.raises(FilterError, match=r"no service named nginx.*agent, main"):
        LogFilter.parse("service=nginx").resolve(names)


def test_gap_marker_names_span_and_backfill() -> None:
    gap = Gap(UUID, 1_700_000_000_000, 1_700_000_008_500, 35, False, "server went away")
    text = format_gap(gap, {})
    assert text.startswith("═══ 0123456: 8.5 s gap 22:13:20.000 → 22:13:28.500")
    assert "35 line(s) backfilled" in text
    assert "lost" in text


def test_wrap_indents_continuations() -> None:
    pieces = wrap("x" * 50, 20, 5)
    assert pieces[0] == "x" * 20 and all(p.startswith(" " * 5) for p in pieces[1:])
    assert "".join(p.strip() for p in pieces) == "x" * 50


@pytest.mark.parametrize(
    "event",
    [line("m", service_id=3, is_stderr=True), Gap(UUID, 1, 2, 3, True, "r"), Notice(UUID, "n")],
)
def test_spool_records_round_trip(event: object) -> None:
    assert decode(encode(event).decode()) == event  # type: ignore[arg-type]
