"""``Retry-After`` as seconds or as an HTTP date, and the jitter of backoff pauses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from console.backends.http import jittered, parse_retry_after, retry_after

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        (_http_date(NOW + timedelta(seconds=42)), 42.0),
        ("Sun, 01 Mar 2026 12:00:30 -0000", 30.0),  # parses naive: still GMT
        (_http_date(NOW - timedelta(minutes=5)), 0.0),  # already past: go now
        ("-3", None),
        ("nan", None),
        ("inf", None),
        ("soon", None),
        ("", None),
    ],
    ids=["seconds", "zero", "http-date", "minus-zero-zone", "past-date", "negative", "nan",
         "inf", "words", "empty"],
)
def test_retry_after_values(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


def test_retry_after_reads_the_header_of_a_response() -> None:
    later = _http_date(NOW + timedelta(seconds=90))
    response = httpx.Response(429, headers={"Retry-After": later})
    assert retry_after(response, now=NOW) == 90.0
    assert retry_after(httpx.Response(429), now=NOW) is None


def test_jitter_stays_between_half_and_all_and_varies() -> None:
    pauses = [jittered(2.0) for _ in range(200)]
    assert all(1.0 <= pause <= 2.0 for pause in pauses)
    assert len(set(pauses)) > 150  # not one fixed value: clients spread out
    assert min(pauses) < 1.25 and max(pauses) > 1.75
