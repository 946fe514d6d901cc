"""The ``[ignite]`` section: node addresses, credentials, TLS options, and the profile hint."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from pydantic import ValidationError

from console.backends.ignite._connect import client_options, parse_node
from console.errors import BadQuery
from console.profiles import IgniteSettings, Profile, ProfileSettings


def test_nodes_are_host_and_port() -> None:
    settings = IgniteSettings(nodes=["ignite-1:10800", "10.0.0.2:10801"])
    assert (settings.tls, settings.verify, settings.partition_aware) == (False, True, True)
    for bad in (["ignite-1"], ["http://ignite-1:8080/x"], ["host:0"], []):
        with pytest.raises(ValidationError):
            IgniteSettings(nodes=bad)


@pytest.mark.parametrize(("text", "expected"), [
    ("ignite-1:10800", ("ignite-1", 10800)), ("[::1]:10800", ("::1", 10800)),
])
def test_parse_node(text: str, expected: tuple[str, int]) -> None:
    assert parse_node(text) == expected


def test_parse_node_refuses_garbage() -> None:
    with pytest.raises(BadQuery, match="is not host:port"):
        parse_node("ignite-1")


def test_credentials_go_only_with_both_parts() -> None:
    settings = IgniteSettings(nodes=["a:1"], username="ignite")
    assert "password" not in client_options(settings, None)
    options = client_options(settings, "pw-123456")
    assert (options["username"], options["password"]) == ("ignite", "pw-123456")
    assert "use_ssl" not in options


def test_tls_verifies_by_default_against_the_given_ca(tmp_path: Path) -> None:
    ca = str(tmp_path / "ca.pem")
    options = client_options(IgniteSettings(nodes=["a:1"], tls=True, ca_file=ca,
                                            cert_file="c.pem", key_file="k.pem"), None)
    assert options["use_ssl"] and options["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert (options["ssl_ca_certfile"], options["ssl_certfile"], options["ssl_keyfile"]) == (
        ca, "c.pem", "k.pem")
    relaxed = client_options(IgniteSettings(nodes=["a:1"], tls=True, verify=False), None)
    assert relaxed["ssl_cert_reqs"] == ssl.CERT_NONE and "ssl_ca_certfile" not in relaxed


def test_missing_section_hint_shows_a_thin_client_example(tmp_path: Path) -> None:
    hint = Profile("remote", ProfileSettings(), tmp_path).missing_hint("ignite")
    assert "[ignite]" in hint and ":10800" in hint and "http" not in hint


def test_password_from_the_named_environment_variable(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("IG_PW_TEST", "from-env-123")
    settings = ProfileSettings.model_validate(
        {"ignite": {"nodes": ["a:1"], "username": "u", "password_env": "IG_PW_TEST"}})
    assert Profile("p", settings, tmp_path).secret("ignite", "password") == "from-env-123"
