"""The per-profile "last look" store: round trip, damage, size bound, profiles apart."""

from __future__ import annotations

import itertools
import json

import pytest

from console import profiles
from console.profiles import ProfileSettings, last_look, locations

_names = itertools.count()


@pytest.fixture
def profile() -> str:
    """A profile of its own (registered, so the run's cleanup knows it)."""
    return profiles.add(f"look-store-{next(_names)}", ProfileSettings()).name


def test_a_saved_look_reads_back_with_its_time(profile: str) -> None:
    last_look.save(profile, "devices", {"devices": {"7": ["gw", 1, "idle"]}}, taken_at=1000.0)
    look = last_look.load(profile, "devices")
    assert look is not None
    assert look.taken_at == 1000.0 and look.data == {"devices": {"7": ["gw", 1, "idle"]}}
    assert look.age(now=1060.0) == 60.0


def test_it_lives_in_the_profile_state_directory_private(profile: str) -> None:
    last_look.save(profile, "jobs", {"groups": {}})
    target = last_look.path(profile, "jobs")
    assert target.parent == locations.state_dir(profile)
    assert target.stat().st_mode & 0o777 == 0o600


def test_no_look_yet_reads_as_none(profile: str) -> None:
    assert last_look.load(profile, "devices") is None


@pytest.mark.parametrize("content", [
    b"{not json", b"", b"\xff\xfe", b"[1, 2]", b'{"version": 99, "taken_at": 1, "data": {}}',
    b'{"version": 1, "taken_at": "noon", "data": {}}', b'{"version": 1, "taken_at": 1}',
], ids=["torn", "empty", "not-utf8", "a-list", "other-version", "bad-time", "no-data"])
def test_a_damaged_file_reads_as_no_look(profile: str, content: bytes) -> None:
    last_look.path(profile, "devices").write_bytes(content)
    assert last_look.load(profile, "devices") is None


def test_an_oversized_file_is_neither_read_nor_written(profile: str) -> None:
    target = last_look.path(profile, "logs")
    huge = {"version": 1, "taken_at": 1.0, "data": {"x": "a" * last_look.MAX_BYTES}}
    target.write_text(json.dumps(huge))
    assert last_look.load(profile, "logs") is None
    last_look.save(profile, "logs", {"devices": {}})
    with pytest.raises(ValueError, match="over"):
        last_look.save(profile, "logs", {"x": "a" * last_look.MAX_BYTES})
    assert last_look.load(profile, "logs").data == {"devices": {}}  # type: ignore[union-attr]


def test_two_profiles_never_share_a_look(profile: str) -> None:
    other = profiles.add(f"{profile}-other", ProfileSettings()).name
    last_look.save(profile, "devices", {"who": "a"})
    last_look.save(other, "devices", {"who": "b"})
    assert last_look.path(profile, "devices") != last_look.path(other, "devices")
    assert last_look.load(profile, "devices").data == {"who": "a"}  # type: ignore[union-attr]
    assert last_look.load(other, "devices").data == {"who": "b"}  # type: ignore[union-attr]


def test_a_pane_id_cannot_name_another_file(profile: str) -> None:
    with pytest.raises(ValueError, match="pane id"):
        last_look.path(profile, "../settings")
