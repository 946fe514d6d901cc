"""The one place a pane or a command gets its service clients: ``Clients``, per profile.

A ``Clients`` registry belongs to one profile. Each client is made on first use
and shared by everything that asks for it afterwards (the SQL and Databases
panes share one PostgreSQL client, the Fleets, Devices and Logs panes one
balena client); ``aclose()`` closes them all when the profile is left or the
console exits.

A profile marked ``sandbox`` gets its missing services from the local
stand-ins: asking for one that is not running starts them first. This module
is the only one above the UI and the CLI that may import ``console.sandbox``:
the backends never start servers and the sandbox never imports the backends.

Blocking clients (PostgreSQL, Ignite, CrateDB) are asked for from worker
threads; the asyncio ones (balena, Balsam) from async workers, with ``await``.

Adding a service means adding its accessor here, its backend, and its pane.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from console import profiles
from console.errors import ConsoleError, Unavailable
from console.profiles import Profile, locations

if TYPE_CHECKING:
    from console.backends.balena import BalenaClient
    from console.backends.balsam import BalsamClient
    from console.backends.crate import CrateClient
    from console.backends.ignite import IgniteClient
    from console.backends.postgres import PostgresClient
    from console.backends.sql import SqlEngine

__all__ = ["Clients", "LocalService"]

Waiting = Callable[[float], None]
"""Told how many seconds a rate-limited request waits before it is sent again."""


class LocalService:
    """One local service as ``sandbox status`` reports it (a copy, free of the sandbox)."""

    def __init__(self, name: str, state: str, url: str | None) -> None:
        self.name = name
        self.state = state
        self.url = url


class Clients:
    """The service clients of one profile, made on first use and closed together.

    Args:
        profile: The profile whose services the clients reach.
        on_wait: Told when a rate-limited balena request waits (the UI counts down).
        start_local: Start a sandbox profile's stand-ins when a service is asked for
            and not running; defaults to the profile's ``sandbox`` flag.
        given: Clients made elsewhere (tests), by service name: used as they are and
            never closed here.
    """

    def __init__(
        self,
        profile: Profile,
        *,
        on_wait: Waiting | None = None,
        start_local: bool | None = None,
        **given: Any,
    ) -> None:
        self.profile = profile
        self.on_wait = on_wait
        self.start_local = profile.settings.sandbox if start_local is None else start_local
        # re-entrant: making an engine asks for the client it wraps, under the same lock
        self._lock = threading.RLock()
        self._made: dict[str, Any] = {}
        self._given: dict[str, Any] = dict(given)
        self._drawn = threading.Event()
        self._drawn.set()  # the CLI has no frame to wait for

    def hold_until_drawn(self) -> Callable[[], None]:
        """Make no client (nor start a local service) until the returned function is called.

        The app calls it when its first frame is on screen: a pane's worker that asks
        for a client at mount would otherwise import the client's library and connect
        while the frame waits. Callers on the main thread are never held.
        """
        self._drawn.clear()
        return self._drawn.set

    def _hold(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            self._drawn.wait()

    # -- the services -----------------------------------------------------------

    def postgres(self) -> PostgresClient:
        """Return the profile's PostgreSQL client (blocking: may start the embedded server).

        Raises:
            ConsoleError: the profile has no ``[postgres]`` section; the message says what to add.
            Unavailable: the embedded server would not start; the message holds its log's tail.
        """
        return self._get("postgres", self._make_postgres)

    async def balena(self) -> BalenaClient:
        """Return the profile's balena client (starting a sandbox profile's stand-ins first).

        Raises:
            ConsoleError: the profile reaches no balena API; the message says what to add.
            AuthError: no token is stored or named for it.
        """
        return await self._get_async("balena", self._make_balena)

    async def balsam(self) -> BalsamClient:
        """Return the profile's Balsam client (starting a sandbox profile's stand-ins first).

        Raises:
            ConsoleError: the profile reaches no Balsam server; the message says what to add.
        """
        return await self._get_async("balsam", self._make_balsam)

    def crate(self) -> CrateClient:
        """Return the profile's CrateDB client (blocking: may start a sandbox's stand-ins).

        Raises:
            ConsoleError: the profile reaches no CrateDB cluster; the message says what to add.
            Unavailable: the local stand-ins would not start.
        """
        return self._get_blocking("crate", "cratedb", self._make_crate)

    def ignite(self) -> IgniteClient:
        """Return the profile's Ignite client (blocking: may start a sandbox's stand-ins first).

        Raises:
            ConsoleError: the profile reaches no Ignite cluster; the message says what to add.
            Unavailable: the local stand-ins would not start.
        """
        return self._get_blocking("ignite", "ignite", self._make_ignite)

    def engines(self) -> list[SqlEngine]:
        """Return the SQL engines the profile reaches, PostgreSQL first (blocking).

        The SQL editor's database picker lists the targets of each; an engine
        whose service is not configured is left out, not an error.
        """
        found: list[SqlEngine] = []
        for section, make in self._ENGINES:
            if self.has(section):
                found.append(make(self))
        return found

    def engine(self, name: str) -> SqlEngine:
        """Return the SQL engine called ``name`` (``postgres``…), made on first use.

        Raises:
            ConsoleError: the profile does not reach that engine's service.
        """
        for section, make in self._ENGINES:
            if section == name:
                return make(self)
        raise ConsoleError(f"no SQL engine called '{name}'", title="Unknown engine")

    def _postgres_engine(self) -> SqlEngine:
        from console.backends.postgres import PostgresEngine

        return self._get("postgres-engine", lambda: PostgresEngine(self.postgres()))

    def _ignite_engine(self) -> SqlEngine:
        from console.backends.ignite import IgniteEngine

        return self._get("ignite-engine", lambda: IgniteEngine(self.ignite()))

    def _crate_engine(self) -> SqlEngine:
        from console.backends.crate import CrateEngine

        client = self.crate()  # made first: _get holds the registry's lock while it makes
        return self._get("crate-engine", lambda: CrateEngine(client))

    _ENGINES: tuple[tuple[str, Callable[[Clients], SqlEngine]], ...] = (
        ("postgres", _postgres_engine),
        ("ignite", _ignite_engine),
        ("cratedb", _crate_engine),
        # one line per engine
    )
    """Profile section → how to make its engine, in picker order."""

    def has(self, section: str) -> bool:
        """Whether the profile reaches ``section`` now (configured, or a stand-in runs)."""
        return section in self._given or self.profile.service(section) is not None

    # -- local services -----------------------------------------------------------

    def start_local_services(self) -> list[LocalService]:
        """Start whatever local service of a sandbox profile is not running (blocking).

        The profile is read again afterwards: the stand-ins write their endpoints.

        Raises:
            Unavailable: a service did not come up; the message says which and why.
        """
        from console.sandbox import control
        from console.sandbox.postgres import PostgresStartFailed

        try:
            report = control.start(self.profile.name)
        except (control.SandboxError, PostgresStartFailed) as exc:
            raise Unavailable(str(exc), title="Local services", profile=self.profile.name,
                              operation="start local services") from exc
        self.profile = profiles.load(self.profile.name)
        return [LocalService(s.name, s.state, s.url) for s in report]

    def stand_in_sections(self) -> frozenset[str]:
        """Return the profile sections a local stand-in can provide (none off the sandbox)."""
        if not self.profile.settings.sandbox:
            return frozenset()
        from console.sandbox.registry import stand_ins

        try:
            return frozenset(stand_in.section for stand_in in stand_ins())
        except Exception:  # a broken stand-in module cannot provide its section either
            return frozenset()

    # -- closing ----------------------------------------------------------------

    async def aclose(self) -> None:
        """Close every client made here; blocking ones are closed in a thread."""
        import asyncio  # here: a CLI command that reaches PostgreSQL never imports it
        with self._lock:
            made, self._made = self._made, {}
        for client in made.values():
            with suppress(ConsoleError, OSError):
                if hasattr(client, "aclose"):
                    await client.aclose()
                elif hasattr(client, "close"):  # engines hold nothing of their own
                    await asyncio.to_thread(client.close)

    def close(self) -> None:
        """Close the blocking clients made here (the CLI, outside any event loop)."""
        with self._lock:
            blocking = {k: c for k, c in self._made.items()
                        if hasattr(c, "close") and not hasattr(c, "aclose")}
            for name in blocking:
                del self._made[name]
        for client in blocking.values():
            with suppress(ConsoleError, OSError):
                client.close()

    # -- making ---------------------------------------------------------------------

    def _get(self, name: str, make: Callable[[], Any]) -> Any:
        if name in self._given:
            return self._given[name]
        self._hold()
        with self._lock:  # two panes asking at once make one client
            client = self._made.get(name)
            if client is None:
                client = self._made[name] = make()
            return client

    async def _get_async(self, name: str, make: Callable[[], Any]) -> Any:
        if name in self._given:
            return self._given[name]
        if not self._drawn.is_set():
            import asyncio

            await asyncio.to_thread(self._drawn.wait)
        if name not in self._made and self._needs_start(name):
            import asyncio

            await asyncio.to_thread(self.start_local_services)
        return self._get(name, make)

    def _get_blocking(self, name: str, section: str, make: Callable[[], Any]) -> Any:
        """``_get_async`` for blocking clients: start the stand-ins first when needed."""
        if name in self._given:
            return self._given[name]
        self._hold()
        if name not in self._made and self._needs_start(section):
            self.start_local_services()
        return self._get(name, make)

    def _needs_start(self, section: str) -> bool:
        return self.start_local and self.profile.service(section) is None

    def _make_postgres(self) -> PostgresClient:
        from console.backends.postgres import PostgresClient

        settings = self.profile.service("postgres")
        if settings is None:
            raise ConsoleError(self.profile.missing_hint("postgres"), profile=self.profile.name,
                               title="PostgreSQL not configured")
        if not settings.embedded:
            return PostgresClient(self.profile)
        return PostgresClient(self.profile, host=self._embedded_socket_dir())

    def _embedded_socket_dir(self) -> str:
        from console.sandbox.postgres import LocalPostgres, PostgresStartFailed

        name = self.profile.name
        # Reading postmaster.pid answers "is it up?" without importing the sandbox's
        # control module, whose stand-in registry pulls in Starlette (~0.1 s on every
        # `fleet-console sql`); the start itself is control's.
        state = LocalPostgres(locations.sandbox_dir(name)).state()
        if not state.running:
            from console.sandbox import control

            try:
                state = control.ensure_postgres(name)
            except PostgresStartFailed as exc:
                raise Unavailable(str(exc), profile=name,
                                  operation="start local PostgreSQL") from exc
        if not state.running or state.socket_dir is None:
            raise Unavailable(f"the local PostgreSQL of profile '{name}' is not running; start "
                              f"it with `fleet-console --profile {name} sandbox start`",
                              profile=name, operation="start local PostgreSQL")
        return state.socket_dir

    def _make_balena(self) -> BalenaClient:
        from console.backends.balena import BalenaClient

        options = {"on_wait": self.on_wait} if self.on_wait is not None else {}
        return BalenaClient.from_profile(self.profile, **options)

    def _make_crate(self) -> CrateClient:
        from console.backends.crate import CrateClient

        return CrateClient.from_profile(self.profile)
    def _make_ignite(self) -> IgniteClient:
        from console.backends.ignite import IgniteClient

        return IgniteClient.from_profile(self.profile)

    def _make_balsam(self) -> BalsamClient:
        from console.backends.balsam import BalsamClient

        return BalsamClient.from_profile(self.profile)
