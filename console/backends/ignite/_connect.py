"""From a profile's ``[ignite]`` settings to pyignite's ``Client`` arguments (TLS, credentials)."""

from __future__ import annotations

import ssl
from typing import Any

from console.errors import BadQuery
from console.profiles import IgniteSettings


def parse_node(text: str) -> tuple[str, int]:
    """Read ``host:port`` (``[::1]:10800`` for IPv6).

    Raises:
        BadQuery: not a host and a port.
    """
    host, sep, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise BadQuery(f"'{text}' is not host:port", title="Bad node address")
    return host, int(port)


def client_options(settings: IgniteSettings, password: str | None) -> dict[str, Any]:
    """Keyword arguments for ``pyignite.Client`` (never logged: they hold the password)."""
    options: dict[str, Any] = {
        "partition_aware": settings.partition_aware,
        "timeout": settings.timeout,
        "handshake_timeout": settings.connect_timeout,
    }
    if settings.username and password:
        options.update(username=settings.username, password=password)
    if settings.tls:
        options.update(_tls(settings))
    return options


def _tls(settings: IgniteSettings) -> dict[str, Any]:
    options: dict[str, Any] = {
        "use_ssl": True,
        # pyignite's default, TLSv1_2 only, warns on 3.10+; TLS_CLIENT would demand a
        # hostname pyignite never passes, so negotiate any version and check the chain here.
        "ssl_version": ssl.PROTOCOL_TLS,
        "ssl_cert_reqs": ssl.CERT_REQUIRED if settings.verify else ssl.CERT_NONE,
    }
    if settings.verify:
        options["ssl_ca_certfile"] = settings.ca_file or _default_ca_file()
    if settings.cert_file:
        options["ssl_certfile"] = settings.cert_file
        if settings.key_file:
            options["ssl_keyfile"] = settings.key_file
    return options


def _default_ca_file() -> str:
    """The system's CA bundle, or certifi's (pyignite loads no default CAs of its own)."""
    found = ssl.get_default_verify_paths().cafile
    if found:
        return found
    import certifi

    return str(certifi.where())
