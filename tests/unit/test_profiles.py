"""Profiles: one data directory each, TOML settings, 0600 credentials."""

from __future__ import annotations

import stat

import pytest

from console import profiles
from console.errors import Conflict, NotFound
from console.profiles import ProfileInvalid, ProfileSettings, locations
from console.profiles.toml_lines import line_of


def test_local_always_exists(fleet_home) -> None:
    assert "local" in profiles.names()
    local = profiles.load("local")
    assert local.settings.sandbox is True
    assert local.data_dir == fleet_home / "profiles" / "local"


def test_each_profile_has_its_own_directory() -> None:
    profiles.add("p-dirs-a", ProfileSettings(color="blue"))
    profiles.add("p-dirs-b", ProfileSettings(color="red"))
    a, b = profiles.load("p-dirs-a"), profiles.load("p-dirs-b")
    assert a.data_dir != b.data_dir
    assert a.settings.color == "blue" and b.settings.color == "red"


def test_credentials_file_is_private_and_secret_hidden_in_repr() -> None:
    profiles.add("p-secret", ProfileSettings())
    profiles.set_secret("p-secret", "postgres", "password", "hunter2-very-secret")
    mode = stat.S_IMODE(locations.credentials_file("p-secret").stat().st_mode)
    assert mode == 0o600
    profile = profiles.load("p-secret")
    assert profile.secret("postgres", "password") == "hunter2-very-secret"
    assert "hunter2" not in repr(profile)


def test_secret_named_by_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ProfileSettings.model_validate(
        {"postgres": {"host": "h", "password_env": "PG_KEY_T"}}
    )
    profiles.add("p-env", settings)
    monkeypatch.setenv("PG_KEY_T", "from-env")
    assert profiles.load("p-env").secret("postgres", "password") == "from-env"


def test_corrupt_settings_name_file_and_line() -> None:
    profiles.add("p-corrupt", ProfileSettings())
    locations.settings_file("p-corrupt").write_text('color = "blue"\nread_only = tru\n')
    with pytest.raises(ProfileInvalid) as caught:
        profiles.load("p-corrupt")
    assert "settings.toml" in str(caught.value)
    assert "line 2" in str(caught.value)


def test_invalid_value_names_the_field() -> None:
    profiles.add("p-badcolor", ProfileSettings())
    locations.settings_file("p-badcolor").write_text('color = "chartreuse"\n')
    with pytest.raises(ProfileInvalid, match="color"):
        profiles.load("p-badcolor")


def test_wrong_value_names_file_key_and_line() -> None:
    """A file that parses but holds a wrong value points at the key's own line."""
    profiles.add("p-badport", ProfileSettings())
    locations.settings_file("p-badport").write_text(
        'color = "blue"\n\n[postgres]\nhost = "db"\nport = "abc"\n')
    with pytest.raises(ProfileInvalid) as caught:
        profiles.load("p-badport")
    message = str(caught.value)
    assert "p-badport/settings.toml" in message
    assert "line 5: postgres.port:" in message
    assert "abc" not in message  # values are never echoed: a misplaced one may be a secret


SETTINGS = """\
color = "blue"
keymap = { quit = "ctrl+q" }
[postgres]
description = '''
port = 1
'''
port = "abc"
"host" = 1
[balsam . 'opts']
[[jobs]]
x = 1
[[jobs]]
x = 2
"""


@pytest.mark.parametrize(
    ("path", "line"),
    [
        pytest.param(("color",), 1, id="top-level"),
        pytest.param(("keymap", "quit"), 2, id="inline-table-points-at-its-key"),
        pytest.param(("postgres", "port"), 7, id="not-inside-a-multiline-string"),
        pytest.param(("postgres", "host"), 8, id="quoted-key"),
        pytest.param(("postgres", "user"), 3, id="missing-key-points-at-its-table"),
        pytest.param(("balsam", "opts", "url"), 9, id="dotted-quoted-header"),
        pytest.param(("jobs", 1, "x"), 13, id="second-array-table"),
        pytest.param(("cratedb", "nodes"), None, id="absent"),
    ],
)
def test_line_of_a_key(path: tuple[str | int, ...], line: int | None) -> None:
    assert line_of(SETTINGS, path) == line


def test_unknown_profile_lists_known_ones() -> None:
    with pytest.raises(NotFound, match=r"known: .*local"):
        profiles.load("no-such-profile")


@pytest.mark.parametrize(
    "name", ["", "../etc", "a b", "x" * 65], ids=["empty", "dotdot", "space", "long"]
)
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ProfileInvalid):
        profiles.load(name)


def test_local_cannot_be_removed_or_added_twice() -> None:
    with pytest.raises(Conflict):
        profiles.remove("local")
    profiles.add("p-twice", ProfileSettings())
    with pytest.raises(Conflict):
        profiles.add("p-twice", ProfileSettings())


def test_use_sets_default_and_remove_falls_back_to_local() -> None:
    profiles.add("p-default", ProfileSettings())
    profiles.set_default("p-default")
    assert profiles.default_name() == "p-default"
    profiles.remove("p-default")
    assert profiles.default_name() == "local"
    assert not (locations.profiles_dir() / "p-default").exists()


def test_missing_hint_names_the_section_to_add() -> None:
    profiles.add("p-hint", ProfileSettings())
    hint = profiles.load("p-hint").missing_hint("balena")
    assert "[balena]" in hint and "settings.toml" in hint


def test_two_saves_in_one_second_get_files_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locations.time, "strftime", lambda fmt, t=None: "20261201-120000")
    profiles.add("exporter", ProfileSettings())
    folder = locations.exports_dir("exporter")
    names = []
    for n in range(3):
        target = locations.new_export("exporter", "logs", "log")
        target.write_text(f"save {n}")
        names.append(target.name)
    assert names == ["logs-20261201-120000.log", "logs-20261201-120000-2.log",
                     "logs-20261201-120000-3.log"]
    assert [(folder / name).read_text() for name in names] == ["save 0", "save 1", "save 2"]
    profiles.remove("exporter")
