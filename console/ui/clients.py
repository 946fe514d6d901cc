"""The service clients one console shares between its panes, for one profile.

The SQL and Databases panes talk to the same PostgreSQL through one client
(one pool per database). Creating it may start the local profile's embedded
server, so ``postgres()`` is called from thread workers only; a lock makes
the first call from two panes create one client.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from console.profiles import Profile

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from console.backends.postgres import PostgresClient


class ServiceClients:
    """Lazily created clients for one profile; closed when the profile is left."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._lock = threading.Lock()
        self._postgres: PostgresClient | None = None

    def postgres(self) -> PostgresClient:
        """Return the profile's PostgreSQL client, creating it on first use (blocking)."""
        with self._lock:
            if self._postgres is None:
                from console.connect import postgres_client

                self._postgres = postgres_client(self.profile)
            return self._postgres

    def close(self) -> None:
        """Close every client created so far (open queries are ended)."""
        with self._lock:
            client, self._postgres = self._postgres, None
        if client is not None:
            client.close()


def clients_of(node: DOMNode, profile: Profile) -> ServiceClients:
    """Return the clients the app shares for ``profile`` (made on first use by a pane)."""
    app = node.app
    clients = getattr(app, "clients", None)
    if not isinstance(clients, ServiceClients) or clients.profile.name != profile.name:
        clients = ServiceClients(profile)
        app.clients = clients  # type: ignore[attr-defined]
    return clients
