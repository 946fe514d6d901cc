"""The device filter language (`/` in the Devices pane, `devices list --filter`)."""

from __future__ import annotations

import pytest

from console.backends.balena import compile_filter
from console.backends.balena.filters import parse
from console.errors import BadQuery

CASES = [
    ("online", "is_online eq true"),
    ("-online", "not(is_online eq true)"),
    ("status=operational,updating", "overall_status in ('operational', 'updating')"),
    ('name~"GW 01"', "contains(tolower(device_name),'gw%2001')"),
    ("os^balenaOS", "startswith(os_version,'balenaOS')"),
    ("note=null", "note eq null"),
    ("cpu_temp>=60", "cpu_temp ge 60"),
    ("seen<2026-01-15", "last_connectivity_event lt datetime'2026-01-15T00:00:00.000Z'"),
    ("fleet=ACME/Gateways", "belongs_to__application/any(x:x/slug eq 'acme%2Fgateways')"),
    ("fleet=7", "belongs_to__application eq 7"),
    ("tag=rack:12", "device_tag/any(t:(t/tag_key eq 'rack') and (t/value eq '12'))"),
    ("type=raspberrypi3", "is_of__device_type/any(x:x/slug eq 'raspberrypi3')"),
    ("release^abc", "is_running__release/any(x:startswith(x/commit,'abc'))"),
    ("gw", "(contains(tolower(device_name),'gw')) or (startswith(uuid,'gw'))"),
    ("gw-001", "(contains(tolower(device_name),'gw-001')) or (startswith(uuid,'gw-001'))"),
    ("1FB17C2", "(contains(tolower(device_name),'1fb17c2')) or (startswith(uuid,'1fb17c2'))"),
    ("-gw-0", "not((contains(tolower(device_name),'gw-0')) or (startswith(uuid,'gw-0')))"),
    ("online pinned", "(is_online eq true) and (is_pinned_on__release ne null)"),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_filter_text_compiles(text: str, expected: str) -> None:
    spec = parse(text)
    assert spec is not None
    assert compile_filter(spec) == expected


def test_empty_text_means_no_filter() -> None:
    assert parse("   ") is None


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("colour=red", 1),
        ("online name=", 13),
        ("cpu_temp>hot", 1),
        ("seen<yesterday", 1),
        ('name="x', 6),
        ("name~x !", 8),
        ("gw-1=2", 1),
    ],
)
def test_bad_filter_text_says_where(text: str, position: int) -> None:
    with pytest.raises(BadQuery) as caught:
        parse(text)
    assert caught.value.position == position
