"""Job filters as typed by operators and as sent on the wire; no network."""

from __future__ import annotations

import datetime as dt

import pytest

from console.backends.balsam.models import Job, parse_time
from console.backends.balsam.resources import JOBS, check_filters, parse_tag, to_params
from console.backends.balsam.spec import parse_spec
from console.errors import BadQuery
from console.ui.jobs.chart import sparkline
from console.ui.jobs.summary import with_delta


@pytest.mark.parametrize(
    ("filters", "params"),
    [
        ({"state": ["FAILED", "RUNNING"]}, [("state", "FAILED"), ("state", "RUNNING")]),
        (
            {"tags": {"exp": "A", "url": "http://x:1"}},
            [("tags", "exp:A"), ("tags", "url:http://x:1")],
        ),
        ({"site_id": 3}, [("site_id", "3")]),
        ({"app_id": "7"}, [("app_id", "7")]),
        ({"pending_file_cleanup": True}, [("pending_file_cleanup", "true")]),
        (
            {"last_update_after": dt.datetime(2026, 1, 2, 3, 4, 5)},
            [("last_update_after", "2026-01-02T03:04:05+00:00")],
        ),
    ],
    ids=["state-list", "tags-colon-in-value", "single-to-list", "int-text", "bool", "naive-time"],
)
def test_filters_encode_as_the_server_reads_them(filters: dict, params: list) -> None:
    assert to_params(check_filters(JOBS, filters)) == params


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"status": "FAILED"}, "unknown job filter 'status'"),
        ({"state": "DONE"}, "not a valid state"),
        ({"app_id": 0}, "positive"),
        ({"pending_file_cleanup": False}, "ignores false"),
        ({"tags": {"a:b": "c"}}, "without ':'"),
        ({"last_update_after": "yesterday"}, "ISO 8601"),
        ({"app_id": True}, "whole number"),
    ],
    ids=["unknown", "bad-state", "falsy-int", "false-bool", "colon-key", "bad-time", "bool-as-int"],
)
def test_filters_the_server_would_ignore_are_refused(filters: dict, message: str) -> None:
    with pytest.raises(BadQuery, match=message):
        check_filters(JOBS, filters)


def test_tag_splits_at_first_colon() -> None:
    assert parse_tag("url:http://h:1") == ("url", "http://h:1")
    with pytest.raises(BadQuery):
        parse_tag(":x")


def test_spec_round_trips_through_its_description() -> None:
    spec = parse_spec("state=failed,RUN_ERROR tag=exp:A site=2 app=Analyze order=-id")
    assert spec.states == ("FAILED", "RUN_ERROR") and spec.tags == {"exp": "A"}
    assert (spec.site_id, spec.app, spec.ordering) == (2, "Analyze", "-id")
    assert parse_spec(spec.describe()) == spec


@pytest.mark.parametrize(
    "text", ["colour=red", "state=DONE", "site=x", "order=size", "tag=nocolon", "'unclosed"]
)
def test_spec_refuses_bad_words(text: str) -> None:
    with pytest.raises(BadQuery):
        parse_spec(text)


def test_times_naive_or_aware_are_utc() -> None:
    naive = parse_time("2026-11-23T18:04:21.123456")
    aware = parse_time("2026-11-23T18:04:21.123456+00:00")
    assert naive == aware and aware is not None and aware.tzinfo is not None
    assert parse_time("garbage") is None


def test_job_keeps_the_raw_row() -> None:
    row = {"id": 4, "state": "RUNNING", "app_id": 2, "tags": {"a": "b"}, "future_field": 1}
    job = Job.from_json(row)
    assert (job.id, job.state, job.tags) == (4, "RUNNING", {"a": "b"})
    assert job.to_json()["future_field"] == 1


def test_sparkline_scales_to_its_range() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, 5, 5], 2) == "▄▄"
    assert sparkline([], 5) == ""


def test_delta_rendering() -> None:
    assert with_delta(412, 3) == "412 +3"
    assert with_delta(10, -2) == "10 -2"
    assert with_delta(7, 0) == "7"
