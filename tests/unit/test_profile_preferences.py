"""A choice made in the console is written into the profile's settings.toml as it was written."""

from __future__ import annotations

import pytest

from console import profiles
from console.errors import NotFound
from console.profiles import ProfileInvalid, locations, preferences

HAND_WRITTEN = """\
# staging: look but do not touch
color = "yellow"   # yellow = staging
read_only = true

[postgres]
host = "db.staging"   # the replica
"""


@pytest.fixture
def staging() -> str:
    name = "prefs-staging"
    path = locations.settings_file(name)
    locations.profile_dir(name)
    path.write_text(HAND_WRITTEN)
    return name


def test_a_new_key_goes_above_the_first_setting_and_keeps_every_comment(staging: str) -> None:
    preferences.remember(staging, "theme", "fleet-light")
    text = locations.settings_file(staging).read_text()
    assert text.splitlines()[:2] == ["# staging: look but do not touch", 'theme = "fleet-light"']
    assert text.replace('theme = "fleet-light"\n', "") == HAND_WRITTEN
    assert profiles.load(staging).settings.theme == "fleet-light"


def test_an_existing_key_is_replaced_in_place(staging: str) -> None:
    preferences.remember(staging, "theme", "fleet-light")
    preferences.remember(staging, "theme", "fleet-contrast")
    text = locations.settings_file(staging).read_text()
    assert text.count("theme =") == 1 and 'theme = "fleet-contrast"' in text
    assert profiles.load(staging).settings.theme == "fleet-contrast"
    assert not list(locations.profile_dir(staging).glob("*.tmp"))


def test_a_table_key_of_the_same_name_is_left_alone() -> None:
    text = 'color = "red"\n[postgres]\ntheme = "x"\n'
    assert preferences.with_top_level(text, "theme", "dark") == (
        'theme = "dark"\ncolor = "red"\n[postgres]\ntheme = "x"\n')


def test_an_empty_file_gets_the_key() -> None:
    assert preferences.with_top_level("", "theme", 'a "quoted" name') == (
        'theme = "a \\"quoted\\" name"\n')


def test_a_value_the_settings_refuse_is_not_written(staging: str) -> None:
    with pytest.raises(ProfileInvalid, match="color"):
        preferences.remember(staging, "color", "chartreuse")
    assert locations.settings_file(staging).read_text() == HAND_WRITTEN


def test_an_unknown_profile_is_not_found() -> None:
    with pytest.raises(NotFound):
        preferences.remember("prefs-nobody", "theme", "fleet-light")
    assert not locations.settings_file("prefs-nobody").exists()
