"""The two ways to a CrateDB cluster, made from one profile section.

SQL (and the blob calls it serves: exists, delete) goes through crate-python,
which keeps its own rotation over the nodes with failover. Its client is
told to remember which node it picked, so the console can say who answered.
Streaming transfers go through httpx to the same nodes (``ServerPool``), with
the same credentials and TLS settings.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any

import httpx
from crate.client.connection import Connection
from crate.client.http import Client

from console.backends.crate._errors import map_crate_errors
from console.backends.crate._pool import ServerPool, node_url
from console.profiles.settings import CrateSettings


class RecordingClient(Client):
    """crate-python's HTTP client, remembering per thread which node it sent to.

    crate-python picks the node inside ``_get_server`` and reports nothing; that is
    the one method extended (covered by a test, so an upgrade that renames it fails
    loudly rather than leaving the console unsure of its answerer).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.picked = threading.local()

    def _get_server(self) -> str:
        server: str = super()._get_server()
        self.picked.server = server
        return server

    def last_server(self) -> str | None:
        """The node the latest request of this thread went to."""
        return getattr(self.picked, "server", None)


def connect(settings: CrateSettings, password: str | None, schema: str,
            operation: str = "connect", profile: str | None = None) -> Connection:
    """Open a crate-python connection (it asks each node for its version first).

    Raises:
        AuthError: the nodes refused the credentials.
        Unavailable: no node could be reached.
        ConsoleError: a bad ``ca_cert`` path or URL.
    """
    with map_crate_errors(operation, profile):
        client = RecordingClient(
            [node_url(n) for n in settings.nodes],
            timeout=settings.timeout,
            verify_ssl_cert=settings.verify_ssl_cert,
            ca_cert=settings.ca_cert,
            username=settings.username,
            password=password,
            schema=schema,
            pool_size=8,
        )
        # under a second, a cluster whose every node answers 503 at once could be
        # retried in a loop inside crate-python's request (it restores nodes by age)
        client.retry_interval = max(1.0, settings.retry_interval)
        return Connection(client=client)


def http_client(settings: CrateSettings, password: str | None) -> httpx.Client:
    """An httpx client for blob transfers: short connect, patient transfers, no redirects."""
    auth = httpx.BasicAuth(settings.username, password or "") if settings.username else None
    timeout = httpx.Timeout(settings.transfer_timeout, connect=settings.connect_timeout)
    return httpx.Client(auth=auth, timeout=timeout, verify=_verify(settings),
                        follow_redirects=False,
                        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8))


def _verify(settings: CrateSettings) -> ssl.SSLContext | bool:
    if not settings.verify_ssl_cert:
        return False
    if settings.ca_cert:
        return ssl.create_default_context(cafile=settings.ca_cert)
    return True


def server_pool(settings: CrateSettings) -> ServerPool:
    """The rotation over the profile's nodes that blob transfers use."""
    return ServerPool(settings.nodes, retry_interval=settings.retry_interval)
