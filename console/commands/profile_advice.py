"""What ``profiles`` commands tell the operator: masked URLs, and how to make a read-only role.

A profile's ``read_only`` is enforced by the console; a database role that may
only read is enforced by the server for every client, the console included.
Both together are the advice for production.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from console.profiles import ProfileSettings

_CREDENTIALS_IN_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@:\s]*):"
                                 r"(?P<password>[^/@\s]*)@")


def mask_url(text: str) -> str:
    """``https://ops:s3cret@host`` → ``https://ops:*****@host``."""
    return _CREDENTIALS_IN_URL.sub(r"\g<scheme>\g<user>:*****@", text)


def mask_urls(value: Any) -> Any:
    """Mask the password of every URL in a settings dump (strings, lists, nested tables)."""
    if isinstance(value, str):
        return mask_url(value)
    if isinstance(value, list):
        return [mask_urls(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_urls(item) for key, item in value.items()}
    return value


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_only_role_advice(settings: ProfileSettings) -> str:
    """The GRANT statements that make a role which can only read, to run as an admin."""
    postgres = settings.postgres
    database = _ident(postgres.dbname if postgres else "postgres")
    role = "fleet_console_ro"
    user = postgres.user if postgres else "ops"
    return "\n".join([
        "",
        "read_only makes the console refuse writes. Pair it with a database role that can",
        "only read, so the server refuses them for every client; as an administrator run:",
        "",
        f"  CREATE ROLE {role} NOLOGIN;",
        f"  GRANT CONNECT ON DATABASE {database} TO {role};",
        f"  GRANT USAGE ON SCHEMA public TO {role};",
        f"  GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};",
        f"  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role};",
        f"  GRANT pg_read_all_data TO {role};   -- PostgreSQL 14+: every table, every schema",
        f"  CREATE ROLE {_ident(user + '_ro')} LOGIN PASSWORD '...' IN ROLE {role};",
        f"  ALTER ROLE {_ident(user + '_ro')} SET default_transaction_read_only = on;",
        "",
        f"then set user = \"{user}_ro\" in the profile's [postgres] section.",
    ])
