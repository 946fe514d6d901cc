"""The node rotation the blob transfers use, the same rules crate-python keeps for SQL.

Round-robin over the configured nodes; a node that fails to connect (or
answers 502/503/504/509) leaves the rotation for ``retry_interval`` seconds;
when every node is out, the one out longest is tried; nodes learnt from a
``307`` join the pool (notes §9).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

UNAVAILABLE_STATUSES = frozenset({502, 503, 504, 509})


def node_url(url: str) -> str:
    """``host:4200`` or ``http://host:4200/`` → ``http://host:4200`` (scheme and authority)."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True)
class NodeState:
    """One node as the pool sees it."""

    url: str
    active: bool
    """In the rotation now."""
    failure: str | None = None
    """Why it was taken out, while it is out."""
    back_in: float = 0.0
    """Seconds until it is tried again (0 when active)."""


class ServerPool:
    """Which node to ask next; safe to share between threads."""

    def __init__(self, urls: Iterable[str], *, retry_interval: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._active = [node_url(u) for u in urls]
        self._out: dict[str, tuple[float, str]] = {}
        self._retry = retry_interval
        self._clock = clock
        self._lock = threading.Lock()
        self.last_answered: str | None = None
        """The node that answered the latest request."""

    def next(self) -> str:
        """The node to ask now, moving the rotation on."""
        with self._lock:
            self._restore()
            if not self._active:
                oldest = min(self._out, key=lambda url: self._out[url][0])
                del self._out[oldest]
                self._active.append(oldest)
            url = self._active.pop(0)
            self._active.append(url)
            return url

    def order(self) -> list[str]:
        """Every node, the ones to try first first (for one request's failover)."""
        first = self.next()
        with self._lock:
            rest = [u for u in self._active if u != first]
            out = sorted(self._out, key=lambda url: self._out[url][0])
        return [first, *rest, *out]

    def failed(self, url: str, why: str) -> None:
        """Take ``url`` out of the rotation for ``retry_interval`` seconds."""
        with self._lock:
            if url in self._active:
                self._active.remove(url)
            self._out[url] = (self._clock(), why)

    def answered(self, url: str) -> None:
        """Note that ``url`` answered (a node back from the dead rejoins at once)."""
        with self._lock:
            self.last_answered = url
            if url in self._out:
                del self._out[url]
                self._active.append(url)

    def learn(self, url: str) -> str:
        """Add a node named by a ``307`` ``Location``; return its normalised URL."""
        url = node_url(url)
        with self._lock:
            if url not in self._active and url not in self._out:
                self._active.append(url)
        return url

    def states(self) -> list[NodeState]:
        """Every node: in the rotation or not, and why not."""
        now = self._clock()
        with self._lock:
            self._restore()
            found = [NodeState(url, True) for url in self._active]
            found += [NodeState(url, False, why, max(0.0, since + self._retry - now))
                      for url, (since, why) in self._out.items()]
        return found

    def _restore(self) -> None:
        now = self._clock()
        for url, (since, _) in list(self._out.items()):
            if since + self._retry <= now:
                del self._out[url]
                self._active.append(url)
