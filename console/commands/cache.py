"""``fleet-console cache …``: the Caches pane's twin, on the same Ignite client.

``list``, ``info``, ``get``, ``put``, ``rm``, ``scan`` (streamed a page at a
time), ``sql`` (rows streamed page by page as a table, JSON or CSV),
``create``, ``destroy`` and ``nodes``. Keys and values are typed
(``--key-type``, ``--value-type``): Ignite tells ``Long 7`` from ``Int 7``.
pyignite is imported only when a cache command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from console.commands import cache_output as out
from console.commands.context import current, handles_errors
from console.commands.output import echo_json, emit

if TYPE_CHECKING:
    from console.backends.ignite import IgniteClient, Typed

T = TypeVar("T")
TYPE_NAMES = ("auto", "string", "long", "int", "double", "boolean", "uuid", "timestamp",
              "decimal", "json")
CACHE_COLUMNS = ["name", "size", "mode", "backups", "atomicity"]
NODE_COLUMNS = ["address", "state", "answering", "node_id"]

key_type_option = click.option(
    "--key-type", type=click.Choice(TYPE_NAMES, case_sensitive=False), default="auto",
    show_default=True, help="Type of the key (digits alone read as long under auto).")


def _with_client(ctx: click.Context, work: Callable[[IgniteClient], T]) -> T:
    client = current(ctx).clients().ignite()
    try:
        return work(client)
    finally:
        client.close()


def _typed(text: str, type_name: str) -> Typed:
    from console.backends.ignite import typed

    return typed(text, type_name)


@click.group()
def cache() -> None:
    """Browse and fix Apache Ignite caches; run SQL on the cluster."""


@cache.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_caches(ctx: click.Context, as_json: bool) -> None:
    """List caches with size, mode, backups and atomicity."""
    caches = _with_client(ctx, lambda c: c.caches())
    emit([info.to_json() for info in caches], CACHE_COLUMNS, as_json)


@cache.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def info(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show one cache's size, configuration and SQL tables."""
    found = _with_client(ctx, lambda c: c.cache_info(name))
    if as_json:
        data = found.to_json()
        data["tables"] = [{"table": e.table, "key_type": e.key_type, "value_type": e.value_type,
                           "fields": [{"name": f.name, "type": f.type_name, "key": f.is_key}
                                      for f in e.fields]} for e in found.entities]
        echo_json(data)
        return
    out.describe_cache(found)


@cache.command()
@click.argument("name")
@click.argument("key")
@key_type_option
@click.option("--json", "as_json", is_flag=True, help="Print the entry as JSON.")
@click.pass_context
@handles_errors
def get(ctx: click.Context, name: str, key: str, key_type: str, as_json: bool) -> None:
    """Print the value of KEY in cache NAME (exit 1 when the key is absent)."""
    from console.errors import NotFound

    entry = _with_client(ctx, lambda c: out.lookup(c, name, key, key_type))
    if entry is None:
        raise NotFound(f"cache '{name}' holds no key {key!r} ({key_type})",
                       operation="get key")
    if as_json:
        echo_json(entry.to_json())
    else:
        out.print_value(entry)


@cache.command()
@click.argument("name")
@click.argument("key")
@click.argument("value")
@key_type_option
@click.option("--value-type", type=click.Choice(TYPE_NAMES, case_sensitive=False),
              default="string", show_default=True, help="Type of the value.")
@click.pass_context
@handles_errors
def put(ctx: click.Context, name: str, key: str, value: str, key_type: str,
        value_type: str) -> None:
    """Write VALUE under KEY in cache NAME (overwriting)."""
    typed_key, typed_value = _typed(key, key_type), _typed(value, value_type)
    _with_client(ctx, lambda c: c.put(name, typed_key, typed_value))
    click.echo(f"Put {typed_key.type_name} key {key!r} in {name}.")


@cache.command()
@click.argument("name")
@click.argument("keys", nargs=-1, required=True)
@key_type_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handles_errors
def rm(ctx: click.Context, name: str, keys: tuple[str, ...], key_type: str, yes: bool) -> None:
    """Remove KEYS from cache NAME; asks first, naming them, unless --yes."""
    typed_keys = [_typed(key, key_type) for key in keys]
    shown = ", ".join(repr(k) for k in keys[:5]) + (f" and {len(keys) - 5} more"
                                                    if len(keys) > 5 else "")
    if not yes and not out.confirmed(f"Remove {shown} from cache {name!r}?",
                                     f"nothing removed from {name!r}"):
        raise click.exceptions.Exit(1)

    def remove(client: IgniteClient) -> int:
        if len(typed_keys) == 1:
            return int(client.remove_key(name, typed_keys[0]))
        present = client.get_all(name, typed_keys)
        client.remove_keys(name, typed_keys)
        return len(present)

    removed = _with_client(ctx, remove)
    click.echo(f"Removed {removed} of {len(keys)} key(s) from {name}.")


@cache.command()
@click.argument("name")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after N entries.")
@click.option("--page-size", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Entries per request to the node.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (streamed).")
@click.pass_context
@handles_errors
def scan(ctx: click.Context, name: str, limit: int | None, page_size: int, as_json: bool) -> None:
    """Print every entry of cache NAME, a page at a time (bounded memory)."""
    size = min(page_size, limit) if limit else page_size
    _with_client(ctx, lambda c: out.stream_scan(c.scan(name, page_size=size), limit, as_json,
                                                sys.stdout))


@cache.command()
@click.argument("query")
@click.option("--arg", "args", multiple=True, metavar="[TYPE:]V",
              help="Argument for a ? in QUERY (repeat); TYPE is one of the key types.")
@click.option("--schema", default="PUBLIC", show_default=True, help="SQL schema to run in.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="How to print rows.")
@click.pass_context
@handles_errors
def sql(ctx: click.Context, query: str, args: tuple[str, ...], schema: str, fmt: str) -> None:
    """Run one SQL statement on the cluster (DDL, DML or SELECT); rows stream page by page."""
    values = [out.argument(a) for a in args]
    _with_client(ctx, lambda c: out.stream_sql(c, query, values, schema, fmt, sys.stdout))


@cache.command()
@click.argument("name")
@click.option("--mode", type=click.Choice(["partitioned", "replicated"]), default="partitioned",
              show_default=True)
@click.option("--backups", type=click.IntRange(0, 64), default=0, show_default=True)
@click.option("--atomicity", type=click.Choice(["atomic", "transactional"]), default="atomic",
              show_default=True)
@click.option("--schema", "sql_schema", help="SQL schema of the cache's tables.")
@click.option("--if-absent", is_flag=True, help="Keep an existing cache (get-or-create).")
@click.pass_context
@handles_errors
def create(ctx: click.Context, name: str, mode: str, backups: int, atomicity: str,
           sql_schema: str | None, if_absent: bool) -> None:
    """Create cache NAME with a configuration."""
    from console.backends.ignite import CacheSpec

    spec = CacheSpec(name, mode=mode, backups=backups, atomicity=atomicity,
                     sql_schema=sql_schema)
    made = _with_client(ctx, lambda c: c.create_cache(spec, if_absent=if_absent))
    click.echo(f"Cache {made.name}: {made.mode}, {made.backups} backup(s), {made.atomicity}, "
               f"{made.size or 0} entries.")


@cache.command()
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handles_errors
def destroy(ctx: click.Context, name: str, yes: bool) -> None:
    """Destroy cache NAME and every entry in it; asks first unless --yes."""

    def work(client: IgniteClient) -> bool:
        if not yes:
            size = client.cache_info(name).size
            what = f"cache {name!r} and its {size:,} entries" if size is not None else name
            if not out.confirmed(f"Destroy {what}?", f"{name!r} is unchanged"):
                return False
        client.destroy_cache(name)
        return True

    if not _with_client(ctx, work):
        raise click.exceptions.Exit(1)
    click.echo(f"Destroyed cache {name}.")


@cache.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def nodes(ctx: click.Context, as_json: bool) -> None:
    """List the profile's nodes: up or down, and which one answers."""
    found = _with_client(ctx, lambda c: c.nodes())
    emit([n.to_json() for n in found], NODE_COLUMNS, as_json)
