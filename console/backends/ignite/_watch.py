"""Which node answered, which failed: pyignite's own event listeners, kept per client.

pyignite picks a node per request (the key's primary with partition awareness,
else a random live one) and publishes every request's start, success and
failure, and every handshake and lost connection, with the node's address.
Listening is the public way to know which node answered, and which went away.
A listener gets one kind of event only, so there are two, sharing one record.
"""

from __future__ import annotations

import threading

from pyignite import monitoring


def address(host: str, port: int) -> str:
    return f"{host}:{port}"


class NodeWatch:
    """Remembers each node's last known state and who answered last."""

    def __init__(self, nodes: list[str]) -> None:
        self._lock = threading.Lock()
        self.states: dict[str, str] = dict.fromkeys(nodes, "unknown")
        """``host:port`` → ``up``, ``down`` or ``unknown``."""
        self.ids: dict[str, str] = {}
        """``host:port`` → the node's UUID from its handshake."""
        self.answered: str | None = None
        """The node that answered the last successful request."""
        self.asked: str | None = None
        """The node the last request went to (the failing one, when it failed)."""

    def listeners(self) -> list[object]:
        """What to give ``pyignite.Client(event_listeners=...)``."""
        return [_Requests(self), _Connections(self)]

    def mark(self, host: str, port: int, state: str) -> None:
        with self._lock:
            self.states[address(host, port)] = state

    def snapshot(self) -> dict[str, str]:
        with self._lock:
            return dict(self.states)


class _Requests(monitoring.QueryEventListener):
    def __init__(self, watch: NodeWatch) -> None:
        self.watch = watch

    def on_query_start(self, event: monitoring.QueryStartEvent) -> None:
        self.watch.asked = address(event.host, event.port)

    def on_query_success(self, event: monitoring.QuerySuccessEvent) -> None:
        self.watch.answered = address(event.host, event.port)
        self.watch.mark(event.host, event.port, "up")

    def on_query_fail(self, event: monitoring.QueryFailEvent) -> None:
        self.watch.asked = address(event.host, event.port)


class _Connections(monitoring.ConnectionEventListener):
    def __init__(self, watch: NodeWatch) -> None:
        self.watch = watch

    def on_handshake_success(self, event: monitoring.HandshakeSuccessEvent) -> None:
        self.watch.mark(event.host, event.port, "up")
        if event.node_uuid:
            self.watch.ids[address(event.host, event.port)] = event.node_uuid

    def on_handshake_fail(self, event: monitoring.HandshakeFailedEvent) -> None:
        self.watch.mark(event.host, event.port, "down")

    def on_authentication_fail(self, event: monitoring.AuthenticationFailedEvent) -> None:
        self.watch.mark(event.host, event.port, "down")

    def on_connection_lost(self, event: monitoring.ConnectionLostEvent) -> None:
        self.watch.mark(event.host, event.port, "down")
