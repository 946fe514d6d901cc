"""Credentials and TLS: wrong or missing passwords are refused without the password ever shown;
TLS works when the stand-in serves it, and a client that does not trust its CA is refused."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from console.backends.ignite import typed
from console.errors import AuthError, Unavailable
from tests.integration import ignite_fixtures
from tests.integration.ignite_fixtures import PASSWORD, Cluster, make_cluster

cluster = ignite_fixtures.cluster  # the module-scoped stand-in and a client of it


def test_wrong_password_is_an_auth_error_without_the_password(cluster: Cluster) -> None:
    with cluster.client(password="wrong-horse-battery") as bad, \
            pytest.raises(AuthError) as caught:
        bad.cache_names()
    text = str(caught.value)
    assert "refused the credentials" in text and "incorrect" in text
    assert "wrong-horse-battery" not in text and PASSWORD not in text


def test_no_password_is_refused(cluster: Cluster) -> None:
    with cluster.client(password=None) as anonymous, \
            pytest.raises(AuthError, match="Unauthenticated"):
        anonymous.cache_names()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_cluster(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    running = make_cluster(tmp_path_factory.mktemp("ignite-tls"), tls=context,
                           options={"entries": 10, "rows": 10})
    yield running
    running.close()


def _ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def test_tls_with_the_cluster_ca(tls_cluster: Cluster, ca: trustme.CA, tmp_path: Path) -> None:
    with tls_cluster.client(tls=True, ca_file=_ca_file(ca, tmp_path)) as secure:
        assert secure.get("greetings", typed("en")).value == "Hello"  # type: ignore[union-attr]


def test_tls_refuses_a_node_signed_by_another_ca(tls_cluster: Cluster, tmp_path: Path) -> None:
    with tls_cluster.client(tls=True, ca_file=_ca_file(trustme.CA(), tmp_path)) as wary, \
            pytest.raises(Unavailable, match="no node answers"):
        wary.cache_names()


def test_verify_off_accepts_any_certificate(tls_cluster: Cluster) -> None:
    with tls_cluster.client(tls=True, verify=False) as trusting:
        assert "greetings" in trusting.cache_names()


def test_plain_client_against_tls_nodes_fails_clearly(tls_cluster: Cluster) -> None:
    with tls_cluster.client() as plain, pytest.raises(Unavailable, match="no node answers"):
        plain.cache_names()


def test_tls_client_against_plain_nodes_fails_clearly(cluster: Cluster, ca: trustme.CA,
                                                      tmp_path: Path) -> None:
    with cluster.client(tls=True, ca_file=_ca_file(ca, tmp_path)) as secure, \
            pytest.raises(Unavailable):
        secure.cache_names()
