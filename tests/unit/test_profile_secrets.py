"""Secrets stay secret: file modes, unreadable files, masked URLs, scrubbed env secrets,
password literals kept off the disk."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from console import profiles
from console.commands.profile_advice import mask_url, mask_urls, read_only_role_advice
from console.profiles import (
    BalsamSettings,
    PostgresSettings,
    ProfileSettings,
    audit,
    history,
    locations,
)
from console.profiles.sql_secrets import carries_password, mask_passwords


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_profile_directory_and_files_are_private() -> None:
    profiles.save_settings("sec-modes", ProfileSettings())
    profiles.set_secret("sec-modes", "postgres", "password", "pw-1234")
    history.History("sec-modes").append(history.HistoryEntry.now("select 1", "db"))
    history.save_buffer("sec-modes", "select 2")
    audit.record("sec-modes", "sql.insert", "db")
    folder = locations.profile_dir("sec-modes")
    assert mode(folder) & 0o077 == 0
    for path in (locations.settings_file("sec-modes"), locations.credentials_file("sec-modes"),
                 locations.state_dir("sec-modes") / history.HISTORY_FILE,
                 locations.state_dir("sec-modes") / history.BUFFER_FILE,
                 audit.audit_file("sec-modes")):
        assert mode(path) == 0o600, path


def test_a_looser_profile_directory_is_tightened() -> None:
    folder = locations.profile_dir("sec-loose")
    folder.chmod(0o755)
    locations.profile_dir("sec-loose")
    assert mode(folder) & 0o066 == 0


def test_credentials_readable_by_others_are_refused_with_the_fix() -> None:
    profiles.save_settings("sec-open", ProfileSettings())
    profiles.set_secret("sec-open", "postgres", "password", "open-secret-99")
    path = locations.credentials_file("sec-open")
    path.chmod(0o644)
    with pytest.raises(profiles.ProfileInvalid) as caught:
        profiles.load("sec-open")
    assert f"chmod 600 '{path}'" in caught.value.message
    assert "open-secret-99" not in caught.value.message


def test_credentials_that_are_not_utf8_name_file_and_line_not_the_text() -> None:
    profiles.save_settings("sec-bytes", ProfileSettings())
    path = locations.credentials_file("sec-bytes")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b'[postgres]\npassword = "hunter2-\xff"\n')
    os.close(fd)
    with pytest.raises(profiles.ProfileInvalid) as caught:
        profiles.load("sec-bytes")
    message = caught.value.message
    assert str(path) in message and "line 2, column 21" in message and "not UTF-8" in message
    assert "hunter2" not in message


def test_settings_that_are_not_toml_name_file_and_line() -> None:
    profiles.save_settings("sec-toml", ProfileSettings())
    locations.settings_file("sec-toml").write_text('color = "red"\nread_only = yes-please\n')
    with pytest.raises(profiles.ProfileInvalid) as caught:
        profiles.load("sec-toml")
    assert "invalid TOML" in caught.value.message and "line 2" in caught.value.message
    assert "yes-please" not in caught.value.message


def test_secrets_from_environment_variables_are_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEC_TEST_PG", "env-secret-pg-1")
    monkeypatch.setenv("SEC_TEST_BALSAM", "env-secret-balsam-2")
    profiles.save_settings("sec-env", ProfileSettings(
        postgres=PostgresSettings(host="h", password_env="SEC_TEST_PG"),
        balsam=BalsamSettings(url="https://b", password_env="SEC_TEST_BALSAM")))
    secrets = profiles.load("sec-env").secret_values()
    assert {"env-secret-pg-1", "env-secret-balsam-2"} <= set(secrets)


def test_urls_with_passwords_are_masked() -> None:
    assert mask_url("https://ops:s3cr3t@balena.example") == "https://ops:*****@balena.example"
    assert mask_urls({"nodes": ["http://a:b@n1:4200", "http://n2:4200"]}) == {
        "nodes": ["http://a:*****@n1:4200", "http://n2:4200"]}


def test_read_only_advice_grants_only_reading() -> None:
    advice = read_only_role_advice(ProfileSettings(postgres=PostgresSettings(dbname="app")))
    assert 'GRANT CONNECT ON DATABASE "app"' in advice and "GRANT SELECT" in advice
    assert "INSERT" not in advice and "default_transaction_read_only = on" in advice


@pytest.mark.parametrize("sql", [
    "create role r password 'x1'",
    "ALTER ROLE r WITH ENCRYPTED PASSWORD 'md5abc' VALID UNTIL 'infinity'",
    "create user mapping for r server s options (user 'a', password 'b')",
    "select dblink_connect('host=h password=pw user=u')",
    "alter user r password $$dollar$$",
    "create role r password 'unterminated",
])
def test_password_literals_are_found_and_masked(sql: str) -> None:
    assert carries_password(sql)
    masked = mask_passwords(sql)
    for secret in ("x1", "md5abc", "'b'", "pw user", "dollar", "unterminated"):
        assert secret not in masked


@pytest.mark.parametrize("sql", ["select 'password'", "select password from users",
                                 "alter role r valid until 'infinity'"])
def test_no_password_no_masking(sql: str) -> None:
    assert not carries_password(sql)
    assert mask_passwords(sql) == sql


def test_history_and_buffer_keep_passwords_off_the_disk() -> None:
    log = history.History("sec-hist")
    assert log.append(history.HistoryEntry.now("create role r password 'pw-9876'", "db")) is False
    assert log.append(history.HistoryEntry.now("select 1", "db")) is True
    assert [e.sql for e in log.entries()] == ["select 1"]
    history.save_buffer("sec-hist", "select 1;\nalter role r password 'pw-9876';")
    saved = history.load_buffer("sec-hist")
    assert "pw-9876" not in saved and "alter role r password '********';" in saved
