"""``fleet-console blobs``: CrateDB blob tables and the blobs in them.

Blobs are keyed by the SHA-1 digest of their content. ``put`` prints each
file's digest (an already stored blob is reported, not an error), ``get``
resumes a partial file and checks the digest, ``exists`` answers with its
exit code (0 yes, 1 no). crate-python is imported only when a command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from console.commands.context import current, handles_errors
from console.commands.output import emit

if TYPE_CHECKING:
    from console.backends.crate import CrateClient


def _client(ctx: click.Context) -> CrateClient:
    return current(ctx).clients().crate()


def human(size: int | None) -> str:
    """Bytes as an operator reads them: ``12.0 MB``."""
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"  # pragma: no cover


@click.group()
def blobs() -> None:
    """Blob tables of the profile's CrateDB cluster: list, put, get, check, remove."""


@blobs.command("tables")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def tables(ctx: click.Context, as_json: bool) -> None:
    """List blob tables with their blob count and total size."""
    rows = [{"name": t.name, "blobs": t.blobs, "size": t.size if as_json else human(t.size),
             "shards": t.shards, "replicas": t.replicas}
            for t in _client(ctx).blob_tables()]
    emit(rows, ["name", "blobs", "size", "shards", "replicas"], as_json)


@blobs.command()
@click.argument("table")
@click.option("--shards", type=click.IntRange(1, 1000), help="Number of shards.")
@click.option("--replicas", metavar="N", help="Replicas: a count (1) or a range (0-1).")
@click.pass_context
@handles_errors
def create(ctx: click.Context, table: str, shards: int | None, replicas: str | None) -> None:
    """Create blob table TABLE."""
    _client(ctx).create_blob_table(table, shards=shards, replicas=replicas)
    click.echo(f"Created blob table {table}.")


@blobs.command()
@click.argument("table")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handles_errors
def drop(ctx: click.Context, table: str, yes: bool) -> None:
    """Drop blob table TABLE and every blob in it; asks first unless --yes."""
    client = _client(ctx)
    if not yes:
        known = {t.name: t for t in client.blob_tables()}
        if table in known:
            what = (f"blob table {table} with {known[table].blobs:,} blobs "
                    f"({human(known[table].size)})")
            _confirm(f"Drop {what}?", f"{table} is unchanged")
    client.drop_blob_table(table)
    click.echo(f"Dropped blob table {table}.")


@blobs.command("list")
@click.argument("table")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--sort", type=click.Choice(["digest", "modified"]), default="digest",
              show_default=True)
@click.option("--desc", is_flag=True, help="Newest (or highest digest) first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handles_errors
def list_blobs(ctx: click.Context, table: str, limit: int, offset: int, sort: str, desc: bool,
               as_json: bool) -> None:
    """List TABLE's blobs: digest, size and last modified."""
    found = _client(ctx).list_blobs(table, limit=limit, offset=offset, order=sort,
                                    descending=desc)
    rows = [{"digest": b.digest, "size": b.size if as_json else human(b.size),
             "modified": b.modified} for b in found]
    emit(rows, ["digest", "size", "modified"], as_json)


@blobs.command()
@click.argument("table")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.pass_context
@handles_errors
def put(ctx: click.Context, table: str, files: tuple[Path, ...]) -> None:
    """Upload FILES (``-`` reads stdin) to TABLE; print each one's digest."""
    client = _client(ctx)
    for path in files:
        source = sys.stdin.buffer if str(path) == "-" else path
        done = client.upload(table, source)
        state = "uploaded" if done.created else "already stored"
        click.echo(f"{done.digest}  {done.source}  {human(done.size)}  {state}")


@blobs.command()
@click.argument("table")
@click.argument("digest")
@click.option("-o", "--output", "output", required=True,
              type=click.Path(file_okay=True, path_type=Path),
              help="File to write (a partial one is resumed) or directory to put it in.")
@click.pass_context
@handles_errors
def get(ctx: click.Context, table: str, digest: str, output: Path) -> None:
    """Download blob DIGEST of TABLE; resume a partial file; check the digest."""
    done = _client(ctx).download(table, digest, output)
    resumed = f", resumed at {human(done.resumed_from)}" if done.resumed_from else ""
    retried = f", {done.retries} drop(s) recovered" if done.retries else ""
    click.echo(f"{done.path}: {human(done.size)}{resumed}{retried}; SHA-1 matches {done.digest}")


@blobs.command()
@click.argument("table")
@click.argument("digest")
@click.pass_context
@handles_errors
def exists(ctx: click.Context, table: str, digest: str) -> None:
    """Exit 0 if blob DIGEST is in TABLE, 1 if not."""
    found = _client(ctx).exists(table, digest)
    click.echo("present" if found else "absent")
    sys.exit(0 if found else 1)


@blobs.command("rm")
@click.argument("table")
@click.argument("digests", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handles_errors
def remove(ctx: click.Context, table: str, digests: tuple[str, ...], yes: bool) -> None:
    """Delete blobs DIGESTS from TABLE; asks first (naming each) unless --yes."""
    from console.backends.crate import check_digest

    client = _client(ctx)
    wanted = [check_digest(d, "delete blob") for d in digests]
    if not yes:
        named = ", ".join(f"{d} ({human(client.size_of(table, d))})" for d in wanted)
        _confirm(f"Delete from {table}: {named}?", "nothing was deleted")
    for digest in wanted:
        client.delete(table, digest)
        click.echo(f"Deleted {digest}.")


def _confirm(question: str, unchanged: str) -> None:
    """Ask on the terminal; no answer (no stdin) is no."""
    try:
        answer = click.confirm(question, default=False, err=True)
    except click.Abort:
        click.echo(f"\nNo answer on stdin: {unchanged}. Pass --yes to go ahead.", err=True)
        raise click.exceptions.Exit(1) from None
    if not answer:
        click.echo(f"Not done: {unchanged}.", err=True)
        raise click.exceptions.Exit(1)
