"""`fleet=` in the device filter: which identifiers the client must resolve first."""

from __future__ import annotations

import pytest

from console.backends.balena import compile_filter
from console.backends.balena.filters import fleet_lookups, parse
from console.errors import BadQuery

UUID = "0123456789abcdef0123456789abcdef"


def test_uuids_and_short_uuids_are_looked_up_once_each_any_case() -> None:
    text = f"online fleet=ABCDEF1 -fleet={UUID} fleet=abcdef1 fleet=1234567 fleet=bce0e"
    assert fleet_lookups(text) == ["abcdef1", UUID, "1234567", "bce0e"]


@pytest.mark.parametrize(
    "text", ["fleet=acme/gateways", "fleet=12", "fleet=abc1", "name=abcdef12", "abcdefab"]
)
def test_slugs_short_ids_and_other_terms_need_no_lookup(text: str) -> None:
    assert fleet_lookups(text) == []


def test_a_resolved_fleet_is_matched_by_its_id() -> None:
    spec = parse("fleet=ABCDEF1 -fleet=" + UUID, {"abcdef1": 3, UUID: 9})
    assert spec is not None
    expected = "(belongs_to__application eq 3) and (not(belongs_to__application eq 9))"
    assert compile_filter(spec) == expected


def test_without_the_lookups_the_text_is_only_checked() -> None:
    # The pane checks each keystroke; a uuid term is valid text, resolved at load time.
    assert parse("online fleet=abcdef1") is not None
    with pytest.raises(BadQuery) as caught:
        parse("fleet~abcdef1")
    assert "UUID" in caught.value.message and caught.value.position == 1


def test_a_lookup_left_out_is_a_bug_not_a_silent_match() -> None:
    with pytest.raises(KeyError):
        parse("fleet=abcdef1", {})
