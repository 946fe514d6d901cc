"""`fleet-console profiles …` and `--profile`, driven as an operator's shell would."""

from __future__ import annotations

import json

from console.profiles import locations


def test_list_json_includes_local(cli) -> None:
    result = cli("profiles", "list", "--json")
    assert result.returncode == 0, result.stderr
    assert "local" in [p["name"] for p in json.loads(result.stdout)]


def test_add_show_masks_secret_from_stdin(cli) -> None:
    added = cli(
        "profiles",
        "add",
        "cli-staging",
        "--color",
        "yellow",
        "--pg-host",
        "db.example",
        "--pg-password-stdin",
        input="s3cret-pass-word\n",
    )
    assert added.returncode == 0, added.stderr
    shown = cli("profiles", "show", "cli-staging", "--json")
    info = json.loads(shown.stdout)
    assert info["color"] == "yellow"
    assert info["services"]["postgres"]["host"] == "db.example"
    assert info["services"]["postgres"]["password"] == "*****"
    assert "s3cret" not in shown.stdout + shown.stderr


def test_profile_option_selects_profile(cli) -> None:
    cli("profiles", "add", "cli-other", "--color", "magenta")
    shown = cli("--profile", "cli-other", "profiles", "show", "--json")
    assert json.loads(shown.stdout)["name"] == "cli-other"


def test_use_changes_default(cli) -> None:
    cli("profiles", "add", "cli-use", "--color", "cyan")
    assert cli("profiles", "use", "cli-use").returncode == 0
    try:
        assert json.loads(cli("profiles", "show", "--json").stdout)["name"] == "cli-use"
    finally:
        cli("profiles", "use", "local")


def test_remove_asks_and_yes_skips(cli) -> None:
    cli("profiles", "add", "cli-gone")
    refused = cli("profiles", "remove", "cli-gone", input="n\n")
    assert refused.returncode != 0
    assert (locations.profiles_dir() / "cli-gone").exists()
    assert cli("profiles", "remove", "cli-gone", "--yes").returncode == 0
    assert not (locations.profiles_dir() / "cli-gone").exists()


def test_unknown_profile_is_a_clear_error(cli) -> None:
    result = cli("--profile", "nope-missing", "profiles", "show")
    assert result.returncode == 1
    assert "no profile named 'nope-missing'" in result.stderr
    assert "Traceback" not in result.stderr


def test_corrupt_settings_reported_with_file_and_line(cli) -> None:
    cli("profiles", "add", "cli-broken")
    locations.settings_file("cli-broken").write_text("color = \n")
    result = cli("--profile", "cli-broken", "profiles", "show")
    assert result.returncode == 1
    assert "settings.toml" in result.stderr and "line 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_value_reported_with_file_key_and_line(cli) -> None:
    """Valid TOML with a wrong value: the file, the key and its line, never a traceback."""
    cli("profiles", "add", "cli-badport")
    locations.settings_file("cli-badport").write_text(
        '[postgres]\nhost = "db.example"\nport = "abc"\n')
    result = cli("--profile", "cli-badport", "profiles", "show")
    assert result.returncode == 1
    assert "cli-badport/settings.toml" in result.stderr
    assert "line 3: postgres.port:" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2(cli) -> None:
    assert cli("profiles", "add").returncode == 2


def test_add_takes_any_setting_with_set(cli) -> None:
    added = cli("profiles", "add", "cli-every", "--pg-host", "db.example",
                "--ignite-node", "ig-1:10800", "--ignite-node", "ig-2:10800",
                "--set", "postgres.sslmode=require", "--set", "postgres.pool_size=3",
                "--set", "ignite.tls=true", "--set", "ignite.username=ops",
                "--set", 'cratedb.nodes=["https://crate-1:4200"]', "--set", "theme=fleet-light")
    assert added.returncode == 0, added.stderr
    settings = json.loads(cli("profiles", "show", "cli-every", "--json").stdout)["services"]
    assert settings["postgres"]["sslmode"] == "require" and settings["postgres"]["pool_size"] == 3
    assert settings["ignite"]["tls"] is True and settings["ignite"]["username"] == "ops"
    assert settings["ignite"]["nodes"] == ["ig-1:10800", "ig-2:10800"]
    assert settings["cratedb"]["nodes"] == ["https://crate-1:4200"]
    assert "theme = \"fleet-light\"" in locations.settings_file("cli-every").read_text()


def test_a_bad_set_is_a_usage_error_and_creates_nothing(cli) -> None:
    for bad, said in [("postgres.nope=1", "postgres.nope"), ("postgres.port=many", "port"),
                      ("justtext", "SECTION.KEY=VALUE"), ("a.b.c=1", "SECTION.KEY=VALUE")]:
        result = cli("profiles", "add", "cli-bad-set", "--pg-host", "h", "--set", bad)
        assert result.returncode == 2 and said in result.stderr, (bad, result.stderr)
        assert not locations.settings_file("cli-bad-set").exists()


def test_copy_clones_settings_changes_some_and_keeps_secrets_back(cli) -> None:
    cli("profiles", "add", "cli-prod", "--color", "red", "--protected", "--pg-host", "db.prod",
        "--pg-password-stdin", input="pr0d-secret\n")
    copied = cli("profiles", "copy", "cli-prod", "cli-stage", "--set", "color=yellow",
                 "--set", "protected=false", "--set", "postgres.host=db.stage")
    assert copied.returncode == 0, copied.stderr
    stage = json.loads(cli("profiles", "show", "cli-stage", "--json").stdout)
    assert (stage["color"], stage["protected"]) == ("yellow", False)
    assert stage["services"]["postgres"]["host"] == "db.stage"
    assert "password" not in stage["services"]["postgres"]  # not copied unless asked
    assert cli("profiles", "copy", "cli-prod", "cli-prod2", "--with-secrets").returncode == 0
    twin = json.loads(cli("profiles", "show", "cli-prod2", "--json").stdout)
    assert twin["services"]["postgres"]["password"] == "*****" and twin["protected"] is True
    again = cli("profiles", "copy", "cli-prod", "cli-stage")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_removing_a_protected_profile_needs_its_name(cli) -> None:
    cli("profiles", "add", "cli-guarded", "--protected")
    refused = cli("profiles", "remove", "cli-guarded", "--yes")
    assert refused.returncode == 1 and "--confirm cli-guarded" in refused.stderr
    assert locations.settings_file("cli-guarded").exists()
    typed = cli("profiles", "remove", "cli-guarded", input="cli-guarded\n")
    assert typed.returncode == 0, typed.stderr
    assert not locations.settings_file("cli-guarded").exists()


def test_shell_completion_offers_profile_names(cli) -> None:
    cli("profiles", "add", "cli-complete-me")
    for words, cword in [("fleet-console --profile cli-comp", "2"),
                         ("fleet-console profiles use cli-comp", "3")]:
        done = cli(env={"_FLEET_CONSOLE_COMPLETE": "bash_complete", "COMP_WORDS": words,
                        "COMP_CWORD": cword})
        assert done.returncode == 0, done.stderr
        assert "plain,cli-complete-me" in done.stdout.splitlines(), done.stdout
