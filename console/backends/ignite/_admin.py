"""Cluster state, nodes, and caches' configurations: create, describe, destroy."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any

from pyignite import Client
from pyignite.datatypes import prop_codes as props
from pyignite.exceptions import NotSupportedByClusterError

from console.backends.ignite import _connect
from console.backends.ignite._models import (
    ATOMICITY,
    CLUSTER_STATES,
    MODES,
    CacheInfo,
    CacheSpec,
    ClusterInfo,
    NodeStatus,
    QueryEntity,
    QueryField,
)
from console.errors import BadQuery, ConsoleError, NotFound

if TYPE_CHECKING:
    from console.backends.ignite._client import IgniteClient


def cluster(client: IgniteClient) -> ClusterInfo:
    def state(c: Client) -> str:
        try:
            return CLUSTER_STATES.get(c.get_cluster().get_state(), "unknown")
        except NotSupportedByClusterError:  # a node older than protocol 1.7 has no cluster API
            return "unknown"

    return ClusterInfo(client.call("read cluster state", state), nodes(client))


def nodes(client: IgniteClient) -> list[NodeStatus]:
    """Probe each node with a handshake of its own: the shared client only learns that a node
    died when a request goes there, and that one came back when all others are gone."""
    with suppress(ConsoleError):  # one request, so "answering" names a node that just did
        client.call("ask a node", lambda c: c.get_cache_names())
    answering = client.watch.answered
    found = []
    for host, port in client.addresses:
        address = f"{host}:{port}"
        up = _probe(client, host, port)
        found.append(NodeStatus(address, "up" if up else "down", client.watch.ids.get(address),
                                answering=up and address == answering))
    return found


def _probe(client: IgniteClient, host: str, port: int) -> bool:
    options = _connect.client_options(client.settings, client._password)
    options["partition_aware"] = False
    probe = Client(**options)
    try:
        probe.connect([(host, port)])
    except Exception:  # any failure to handshake means "down" here; the reason is per call
        return False
    finally:
        probe.close()
    return True


def cache_info(client: IgniteClient, name: str) -> CacheInfo:
    def read(c: Client) -> CacheInfo:
        settings = client.settings_of(c, name)
        try:
            size: int | None = int(client.cache(c, name).get_size())
        except ConsoleError:
            size = None
        return describe(name, settings, size)

    return client.call("describe cache", read)


def describe(name: str, settings: dict[int, Any], size: int | None) -> CacheInfo:
    """A cache's configuration, read from the properties a node reports."""
    return CacheInfo(
        name=name,
        size=size,
        mode=MODES.get(settings.get(props.PROP_CACHE_MODE, 2), "partitioned"),
        backups=int(settings.get(props.PROP_BACKUPS_NUMBER) or 0),
        atomicity=ATOMICITY.get(settings.get(props.PROP_CACHE_ATOMICITY_MODE, 1), "atomic"),
        sql_schema=settings.get(props.PROP_SQL_SCHEMA),
        entities=[_entity(e) for e in settings.get(props.PROP_QUERY_ENTITIES) or []],
    )


def _entity(raw: dict[str, Any]) -> QueryEntity:
    value_type = raw.get("value_type_name") or ""
    fields = [QueryField(f["name"], f.get("type_name") or "", bool(f.get("is_key_field")))
              for f in raw.get("query_fields") or []]
    table = raw.get("table_name") or value_type.rsplit(".", 1)[-1]
    return QueryEntity(table.upper(), raw.get("key_type_name") or "", value_type, fields)


_MODE_CODES = {v: k for k, v in MODES.items() if v != "local"}
_ATOMICITY_CODES = {v: k for k, v in ATOMICITY.items()}


def settings_of(spec: CacheSpec) -> dict[int, Any]:
    """The properties pyignite sends for a new cache.

    Raises:
        BadQuery: a mode, atomicity or backup count a cluster would not take.
    """
    if not spec.name.strip():
        raise BadQuery("a cache needs a name", title="Bad cache")
    if spec.mode not in _MODE_CODES:
        raise BadQuery(f"mode must be {' or '.join(_MODE_CODES)}, not '{spec.mode}'")
    if spec.atomicity not in _ATOMICITY_CODES:
        raise BadQuery(f"atomicity must be {' or '.join(_ATOMICITY_CODES)}, not '{spec.atomicity}'")
    if not 0 <= spec.backups <= 64:
        raise BadQuery(f"backups must be 0 to 64, not {spec.backups}")
    settings: dict[int, Any] = {
        props.PROP_NAME: spec.name,
        props.PROP_CACHE_MODE: _MODE_CODES[spec.mode],
        props.PROP_BACKUPS_NUMBER: spec.backups,
        props.PROP_CACHE_ATOMICITY_MODE: _ATOMICITY_CODES[spec.atomicity],
    }
    if spec.sql_schema:
        settings[props.PROP_SQL_SCHEMA] = spec.sql_schema
    if spec.entities:
        settings[props.PROP_QUERY_ENTITIES] = [_raw_entity(e) for e in spec.entities]
    return settings


def _raw_entity(entity: QueryEntity) -> dict[str, Any]:
    return {
        "table_name": entity.table, "key_type_name": entity.key_type,
        "value_type_name": entity.value_type, "key_field_name": None, "value_field_name": None,
        "query_fields": [{"name": f.name, "type_name": f.type_name, "is_key_field": f.is_key,
                          "is_notnull_constraint_field": False, "default_value": None,
                          "precision": -1, "scale": -1} for f in entity.fields],
        "field_name_aliases": [], "query_indexes": [],
    }


def create_cache(client: IgniteClient, spec: CacheSpec, *, if_absent: bool) -> CacheInfo:
    settings = settings_of(spec)
    action = "cache.get_or_create" if if_absent else "cache.create"

    def create(c: Client) -> None:
        if if_absent:
            c.get_or_create_cache(settings)
        else:
            c.create_cache(settings)

    # get-or-create may be sent twice; a plain create sent twice would report a conflict
    client.write(action, spec.name, create, retry=if_absent)
    return cache_info(client, spec.name)


def destroy_cache(client: IgniteClient, name: str) -> None:
    def destroy(c: Client) -> None:
        if name not in c.get_cache_names():  # destroy of a missing cache is silent on a node
            raise NotFound(f"no cache named '{name}'", operation="destroy cache")
        client.cache(c, name).destroy()
        client.forget(name)

    client.write("cache.destroy", name, destroy, retry=False)
