"""Two environments whose data differ, for the diff tests: profiles, databases, stand-ins.

Both profiles of a pair reach real services: PostgreSQL through the session's
embedded server (each profile names its own database, as staging and
production would name their own servers), a balena stand-in each and a
Balsam stand-in each, on loopback. ``Pair.a`` is the operator's profile,
``Pair.b`` the one ``:diff`` opens beside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from console import profiles
from console.profiles import BalenaSettings, BalsamSettings, PostgresSettings, ProfileSettings
from console.sandbox.serve import ServerThread
from tests.conftest import BALENA_TOKEN, BALSAM_OPTIONS, BALSAM_PASSWORD

BALSAM_USER = "operator"


@dataclass(frozen=True)
class Pair:
    """The names of the two profiles of one test module."""

    a: str
    b: str


@dataclass
class Services:
    """Where one profile's services are, each optional."""

    socket_dir: str | None = None
    dbname: str = "postgres"
    balena_url: str | None = None
    balsam_url: str | None = None


def make_profile(name: str, color: str, services: Services) -> str:
    """Create (or replace) a profile reaching ``services``, with its secrets stored."""
    if name in profiles.names():
        profiles.remove(name)
    settings = ProfileSettings(
        color=color, description="diff test",
        postgres=(PostgresSettings(host=services.socket_dir, dbname=services.dbname)
                  if services.socket_dir else None),
        balena=BalenaSettings(url=services.balena_url) if services.balena_url else None,
        balsam=(BalsamSettings(url=services.balsam_url, username=BALSAM_USER)
                if services.balsam_url else None),
    )
    profiles.add(name, settings)
    if services.balena_url:
        profiles.set_secret(name, "balena", "token", BALENA_TOKEN)
    if services.balsam_url:
        profiles.set_secret(name, "balsam", "password", BALSAM_PASSWORD)
    return name


@contextlib.contextmanager
def profile_pair(prefix: str, a: Services, b: Services) -> Iterator[Pair]:
    """Profiles ``PREFIX-staging`` (yellow) and ``PREFIX-prod`` (red), removed afterwards."""
    pair = Pair(make_profile(f"{prefix}-staging", "yellow", a),
                make_profile(f"{prefix}-prod", "red", b))
    try:
        yield pair
    finally:
        for name in (pair.a, pair.b):
            with contextlib.suppress(Exception):
                profiles.remove(name)


@contextlib.contextmanager
def balena_pair(devices: int = 30) -> Iterator[tuple[ServerThread, ServerThread]]:
    """Two still balena stand-ins seeded alike; the second is then changed by ``diverge``."""
    from console.sandbox.balena.app import create_app

    with ServerThread(create_app(token=BALENA_TOKEN, simulate=False, devices=devices)) as one, \
            ServerThread(create_app(token=BALENA_TOKEN, simulate=False, devices=devices)) as two:
        diverge(two.app.state.balena.store)
        yield one, two


def diverge(store: Any) -> None:
    """Make production differ from staging in known ways.

    Every uuid changes (devices are provisioned anew in each environment);
    ``gw-001`` runs another OS, ``gw-002`` flips online/offline, ``gw-003`` gets a
    variable; ``gw-004`` exists only in staging, ``gw-900`` only in production.
    """
    devices = {row["device_name"]: row for row in list(store.rows("device"))}
    for row in devices.values():
        store.update("device", row, {"uuid": "f" + row["uuid"][1:]})
    store.update("device", devices["gw-001"], {"os_version": "balenaOS 6.1.0"})
    online = not devices["gw-002"]["is_online"]
    store.update("device", devices["gw-002"], {
        "is_online": online, "api_heartbeat_state": "online" if online else "offline"})
    store.insert("device_environment_variable",
                 {"device": devices["gw-003"]["id"], "name": "FEATURE_X", "value": "on"})
    store.delete("device", devices["gw-004"])
    twin = {k: v for k, v in devices["gw-005"].items() if k != "id"}
    store.insert("device", {**twin, "device_name": "gw-900", "uuid": "e" * 32})


@contextlib.contextmanager
def balsam_pair() -> Iterator[tuple[ServerThread, ServerThread]]:
    """Two still Balsam stand-ins on one clock whose seeds differ (and so every count)."""
    from console.sandbox.balsam import build_app

    options = dict(BALSAM_OPTIONS)
    with ServerThread(build_app(password=BALSAM_PASSWORD, options=options)) as one, \
            ServerThread(build_app(password=BALSAM_PASSWORD, options={**options, "jobs": 380},
                                   seed_value=8)) as two:
        yield one, two


class DiffHost:
    """Builds a bare app showing only the ``:diff`` screen of ``request`` for two profiles.

    The app carries the console's stylesheet and theme variables (the profile
    colours), as ``FleetConsole`` does, so the screen looks as it does there.
    """

    @staticmethod
    def app(request: Any, a: str, b: str) -> Any:
        from textual.app import App

        from console.clients import Clients
        from console.ui import themes
        from console.ui.diff import DiffScreen

        class Host(App[None]):
            CSS = themes.stylesheet()

            def __init__(self) -> None:
                super().__init__()
                self.clients = Clients(profiles.load(a))
                for theme in themes.load_themes().themes:
                    self.register_theme(theme)
                self.theme = themes.DEFAULT_THEME

            def get_theme_variable_defaults(self) -> dict[str, str]:
                return {**super().get_theme_variable_defaults(), **themes.VARIABLE_DEFAULTS}

            def on_mount(self) -> None:
                self.push_screen(DiffScreen(request, self.clients, Clients(profiles.load(b))))

            async def on_unmount(self) -> None:
                await self.clients.aclose()

        return Host()
