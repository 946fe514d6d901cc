"""``IgniteClient``: one profile's cluster, over pyignite, from worker threads.

pyignite's ``Client`` is not thread-safe: every call holds the client's lock,
so a pane's refresh and a lookup never interleave on one socket. A request
that fails because its node went away is sent again to another node when
sending it twice cannot do harm (reads, puts, removes); SQL and cache
creation are not, and say which node went away instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pyignite import Client
from pyignite.api.cache_config import cache_get_configuration
from pyignite.cache import Cache
from pyignite.exceptions import CacheError, ReconnectError

from console.backends.ignite import _admin, _connect, _values
from console.backends.ignite._errors import map_ignite_errors
from console.backends.ignite._models import CacheInfo, CacheSpec, ClusterInfo, Entry, NodeStatus
from console.backends.ignite._values import Typed
from console.backends.ignite._watch import NodeWatch
from console.errors import ConsoleError, NotFound, ReadOnlyRefused, Unavailable
from console.profiles import IgniteSettings, audit

if TYPE_CHECKING:
    from console.backends.ignite._scan import CacheScan
    from console.backends.ignite._sql import SqlCursor
    from console.profiles import Profile

T = TypeVar("T")


class IgniteClient:
    """The Ignite cluster of one profile.

    Args:
        settings: The profile's ``[ignite]`` section.
        password: The password, when the cluster has authentication on.
        profile: The profile's name (errors and the audit log carry it).
        read_only: Refuse every write (``ReadOnlyRefused``) before it is sent.
        secrets: Values no message may show.
    """

    def __init__(self, settings: IgniteSettings, *, password: str | None = None,
                 profile: str | None = None, read_only: bool = False,
                 secrets: tuple[str, ...] = ()) -> None:
        self.settings = settings
        self.profile = profile
        self.read_only = read_only
        self.addresses = [_connect.parse_node(node) for node in settings.nodes]
        self._password = password
        self._secrets = tuple(s for s in (*secrets, password) if s)
        self._lock = threading.RLock()
        self._client: Client | None = None
        self._caches: dict[str, Cache] = {}
        self.watch = NodeWatch([f"{h}:{p}" for h, p in self.addresses])

    @classmethod
    def from_profile(cls, profile: Profile) -> IgniteClient:
        """Build the client for a profile's ``[ignite]`` section.

        Raises:
            ConsoleError: the profile reaches no Ignite cluster.
        """
        settings = profile.service("ignite")
        if settings is None:
            raise ConsoleError(profile.missing_hint("ignite"), profile=profile.name,
                               title="Ignite not configured")
        return cls(settings, password=profile.secret("ignite", "password"), profile=profile.name,
                   read_only=profile.read_only, secrets=profile.secret_values())

    def fork(self) -> IgniteClient:
        """A client with connections of its own, same settings (an SQL session's)."""
        return IgniteClient(self.settings, password=self._password, profile=self.profile,
                            read_only=self.read_only, secrets=self._secrets)

    def __enter__(self) -> IgniteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection (the next call connects again)."""
        with self._lock:
            client, self._client = self._client, None
            self._caches.clear()
        if client is not None:
            client.close()

    # -- calling pyignite -----------------------------------------------------------

    @property
    def answered_by(self) -> str | None:
        """The ``host:port`` of the node that answered the last request."""
        return self.watch.answered

    def call(self, operation: str, work: Callable[[Client], T], *, retry: bool = True) -> T:
        """Run ``work(client)`` under the lock, connecting first, errors mapped.

        With ``retry``, a request whose node went away goes to the next live node
        (at most once per node); without, the failure names that node.

        Raises:
            ConsoleError: as ``map_ignite_errors``; ``Unavailable`` when no node answers.
        """
        with self._lock:
            attempts = len(self.addresses) if retry else 1
            for attempt in range(attempts):
                client = self._connected()
                try:
                    with self._mapped(operation):
                        return work(client)
                except Unavailable as exc:
                    if attempt + 1 >= attempts or not _node_lost(exc):
                        raise
            raise AssertionError("unreachable")  # pragma: no cover

    def _mapped(self, operation: str) -> Any:
        return map_ignite_errors(operation, profile=self.profile, node=lambda: self.watch.asked,
                                 secrets=self._secrets)

    def cache(self, client: Client, name: str) -> Cache:
        """pyignite's handle of cache ``name``, made once: making one resets the partition map
        pyignite keeps for it, and the next key request would fetch the whole map again
        (~100 ms a get, measured with the benchmark)."""
        found = self._caches.get(name)
        if found is None:
            found = self._caches[name] = client.get_cache(name)
        return found

    def settings_of(self, client: Client, name: str) -> dict[int, Any]:
        """A cache's configuration as a node reports it now (``Cache.settings`` keeps the
        first answer for the life of the handle).

        Raises:
            CacheError: (pyignite's) the node refused, e.g. the cache does not exist.
        """
        cache = self.cache(client, name)
        result = cache_get_configuration(client.random_node, cache.cache_info)
        if result.status != 0:
            raise CacheError(result.message)
        return dict(result.value)

    def forget(self, name: str) -> None:
        """Drop the handle of a destroyed cache."""
        self._caches.pop(name, None)

    def _connected(self) -> Client:
        if self._client is not None:
            return self._client
        client = Client(event_listeners=self.watch.listeners(),
                        **_connect.client_options(self.settings, self._password))
        try:
            with self._mapped("connect"):
                client.connect(self.addresses)
        except ConsoleError as exc:
            client.close()
            if isinstance(exc.__cause__, ReconnectError):
                raise Unavailable(f"no node answers: {', '.join(self.settings.nodes)}",
                                  profile=self.profile, operation="connect") from exc
            raise
        self._client = client
        return client

    def refuse_writes(self, action: str, target: str, count: int | None = None) -> None:
        """Refuse a write on a read-only profile, and log the refusal.

        Raises:
            ReadOnlyRefused: the profile is read-only.
        """
        if self.read_only:
            audit.record(self.profile, action, target, count=count,
                         outcome="refused: read-only profile")
            raise ReadOnlyRefused(f"profile '{self.profile}' is read-only: {action} on {target} "
                                  "was not sent", profile=self.profile, operation=action)

    def write(self, action: str, target: str, work: Callable[[Client], T], *,
              count: int | None = None, retry: bool = True) -> T:
        """Send a write: refused on a read-only profile, recorded in the audit log either way."""
        self.refuse_writes(action, target, count)
        try:
            result = self.call(action, work, retry=retry)
        except ConsoleError as exc:
            audit.record(self.profile, action, target, count=count,
                         outcome=f"failed: {exc.message}")
            raise
        audit.record(self.profile, action, target, count=count)
        return result

    # -- the cluster --------------------------------------------------------------

    def cluster(self) -> ClusterInfo:
        """Read the cluster's state and the nodes' (probing the ones not known up)."""
        return _admin.cluster(self)

    def nodes(self) -> list[NodeStatus]:
        """Every node the profile names, with its state and which one answers."""
        return _admin.nodes(self)

    # -- caches -----------------------------------------------------------------------

    def cache_names(self) -> list[str]:
        """Names of every cache, sorted."""
        return sorted(self.call("list caches", lambda c: c.get_cache_names()))

    def caches(self) -> list[CacheInfo]:
        """Every cache with its size, mode, backups and atomicity."""
        return [self.cache_info(name) for name in self.cache_names()]

    def cache_info(self, name: str) -> CacheInfo:
        """One cache's size and configuration.

        Raises:
            NotFound: no cache has that name.
        """
        return _admin.cache_info(self, name)

    def create_cache(self, spec: CacheSpec, *, if_absent: bool = False) -> CacheInfo:
        """Create a cache (``if_absent``: keep one that exists, as get-or-create).

        Raises:
            Conflict: it exists (and ``if_absent`` is false).
            ReadOnlyRefused: the profile is read-only.
        """
        return _admin.create_cache(self, spec, if_absent=if_absent)

    def destroy_cache(self, name: str) -> None:
        """Destroy a cache and every entry in it.

        Raises:
            NotFound: no cache has that name.
            ReadOnlyRefused: the profile is read-only.
        """
        _admin.destroy_cache(self, name)

    # -- keys ---------------------------------------------------------------------------

    def get(self, cache: str, key: Typed) -> Entry | None:
        """Read one key's value (``None`` when the key is absent).

        Raises:
            NotFound: no cache has that name.
        """
        value = self.call("get key", lambda c: self.cache(c, cache).get(key.value, key.hint))
        return None if value is None else Entry(key.value, value)

    def get_all(self, cache: str, keys: Sequence[Typed]) -> list[Entry]:
        """Read several keys at once; absent keys are left out."""
        found = self.call("get keys", lambda c: self.cache(c, cache).get_all(
            [k.pair() for k in keys]))
        return [Entry(k, v) for k, v in (found or {}).items()]

    def key_of(self, cache: str, key: Any) -> Typed:
        """The typed key a key read back (by a scan) is in the cache: a Python int may be a
        Long or an Int key, and only one of them is there.

        Raises:
            NotFound: the cache holds the key under none of its possible types.
        """
        options = _values.candidates(key)
        for option in options:
            if len(options) == 1 or self.contains_key(cache, option):
                return option
        raise NotFound(f"cache '{cache}' no longer holds key {_values.key_text(key)!r}",
                       profile=self.profile, operation="find key")

    def contains_key(self, cache: str, key: Typed) -> bool:
        """Whether the cache holds the key."""
        return bool(self.call("check key", lambda c: self.cache(c, cache).contains_key(
            key.value, key.hint)))

    def get_size(self, cache: str) -> int:
        """How many entries the cache holds (primary copies, every node)."""
        return int(self.call("count entries", lambda c: self.cache(c, cache).get_size()))

    def put(self, cache: str, key: Typed, value: Typed) -> None:
        """Write one key's value (overwriting)."""
        self.write("cache.put", f"{cache}:{key.value}", lambda c: self.cache(c, cache).put(
            key.value, value.value, key.hint, value.hint), count=1)

    def put_all(self, cache: str, pairs: Iterable[tuple[Typed, Typed]]) -> int:
        """Write several keys at once; return how many."""
        batch = {k.pair(): v.pair() for k, v in pairs}
        self.write("cache.put_all", cache, lambda c: self.cache(c, cache).put_all(batch),
                   count=len(batch))
        return len(batch)

    def replace(self, cache: str, key: Typed, value: Typed) -> bool:
        """Write a value only where the key exists; say whether it did."""
        return bool(self.write("cache.replace", f"{cache}:{key.value}",
                               lambda c: self.cache(c, cache).replace(key.value, value.value,
                                                                    key.hint, value.hint),
                               count=1))

    def remove_key(self, cache: str, key: Typed) -> bool:
        """Remove one key; say whether it was there."""
        return bool(self.write("cache.remove", f"{cache}:{key.value}",
                               lambda c: self.cache(c, cache).remove_key(key.value, key.hint),
                               count=1))

    def remove_keys(self, cache: str, keys: Sequence[Typed]) -> None:
        """Remove several keys at once (absent ones are no error)."""
        self.write("cache.remove", cache, lambda c: self.cache(c, cache).remove_keys(
            [k.pair() for k in keys]), count=len(keys))

    # -- scans and SQL ------------------------------------------------------------

    def scan(self, cache: str, *, page_size: int = 500) -> CacheScan:
        """Start a scan of every entry, read page by page (``CacheScan.next_page``).

        Raises:
            NotFound: no cache has that name.
        """
        from console.backends.ignite._scan import CacheScan

        return CacheScan(self, cache, page_size)

    def sql(self, query: str, *, args: Sequence[Any] = (), schema: str = "PUBLIC",
            page_size: int = 1024) -> SqlCursor:
        """Run one SQL statement (DDL, DML or SELECT); rows come page by page.

        Writes (anything but SELECT) are refused on a read-only profile and recorded
        in the audit log; no statement is sent twice when its node goes away.

        Raises:
            BadQuery: the cluster refused the statement (its message says why).
            ReadOnlyRefused: a write on a read-only profile.
        """
        from console.backends.ignite._sql import SqlCursor

        return SqlCursor.start(self, query, args=args, schema=schema, page_size=page_size)


def _node_lost(exc: ConsoleError) -> bool:
    """A failure of the socket (not a node's error reply): another node may answer."""
    cause = exc.__cause__
    return isinstance(cause, (OSError, EOFError, ReconnectError))
