"""Download a blob to a file: streamed in chunks, resumed by ``Range`` after a drop, verified.

``HEAD`` first gives the size and the node that holds the blob (after any
``307``). A fresh download reads the body through crate-python's blob stream
(it follows the ``307`` itself). When the stream breaks, the next try asks,
through httpx (crate-python sends no ``Range``), for
``bytes=<received>-<size-1>`` (never past the end: the server does not clamp
it), from the holder or, if it is gone, from any node, which redirects to
whoever holds the blob now. An existing file is taken as the start of the blob
and resumed; its bytes are hashed first, so the SHA-1 of the whole file is
checked against the digest at the end.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

import httpx

from console.backends.crate._blobs import head
from console.backends.crate._errors import blob_error, map_crate_errors
from console.backends.crate._http import blob_path, send
from console.backends.crate._names import check_digest, check_table
from console.backends.crate._progress import OnProgress, Progress, Reporter
from console.errors import BadQuery, ConsoleError, NotFound, Unavailable

if TYPE_CHECKING:
    from console.backends.crate._client import CrateClient

CHUNK = 1 << 20
ATTEMPTS = 5
"""Tries in a row that may fail without moving a byte before the download gives up."""


@dataclass(frozen=True)
class Downloaded:
    """A blob written to a file whose SHA-1 matched the digest."""

    digest: str
    size: int
    path: Path
    server: str | None
    resumed_from: int
    """Bytes that were already in the file when the download started."""
    retries: int
    """Times the stream broke and was picked up again."""


class _State:
    def __init__(self, size: int, holder: str | None) -> None:
        self.size = size
        self.holder = holder
        self.offset = 0
        self.hasher = hashlib.sha1()
        self.retries = 0


def download(client: CrateClient, table: str, digest: str, dest: str | Path, *,
             on_progress: OnProgress | None = None, cancel: threading.Event | None = None,
             resume: bool = True, attempts: int = ATTEMPTS) -> Downloaded:
    """Write blob ``digest`` of ``table`` to ``dest`` (a file, or a directory to put it in).

    Raises:
        BadQuery: a malformed digest, a missing directory, or a file larger than the blob.
        NotFound: no such blob (or table).
        Cancelled: ``cancel`` was set; what arrived stays in the file, to resume.
        Unavailable: the stream kept breaking (``attempts`` tries in a row moved nothing).
        ConsoleError: the bytes do not match the digest (the file is left for inspection).
    """
    operation = "download blob"
    digest = check_digest(digest, operation)
    check_table(table, operation)
    path = _target(Path(dest), digest)
    size, holder = head(client, table, digest)
    if size is None:
        raise NotFound(f"no blob {digest} in blob table '{table}'", operation=operation,
                       profile=client.profile_name)
    report = Reporter(on_progress, cancel, f"download of {digest[:12]}")
    state = _State(size, holder)
    with open(path, "r+b" if resume and path.exists() else "w+b") as out:
        resumed_from = _resume(out, state, path, report)
        _fetch(client, table, digest, out, state, report, attempts)
    report(Progress("downloading", state.offset, size, state.holder, state.retries), final=True)
    actual = state.hasher.hexdigest()
    if actual != digest:
        raise ConsoleError(f"{path} does not match blob {digest} (its SHA-1 is {actual}); "
                           "if the file held something else before, remove it and download "
                           "again", title="Digest mismatch", operation=operation)
    return Downloaded(digest, size, path, state.holder, resumed_from, state.retries)


def _target(dest: Path, digest: str) -> Path:
    if dest.is_dir():
        return dest / digest
    if not dest.parent.is_dir():
        raise BadQuery(f"no directory {dest.parent} to write {dest.name} in",
                       operation="download blob")
    return dest


def _resume(out: IO[bytes], state: _State, path: Path, report: Reporter) -> int:
    """Hash what the file already holds; return how many bytes that is."""
    report.start("checking")
    while chunk := out.read(CHUNK):
        state.hasher.update(chunk)
        state.offset += len(chunk)
        report(Progress("checking", state.offset, state.size, state.holder))
    if state.offset > state.size:
        raise BadQuery(f"{path} holds {state.offset:,} bytes, more than the blob's "
                       f"{state.size:,}: it is not a partial download of it",
                       operation="download blob")
    return state.offset


def _fetch(client: CrateClient, table: str, digest: str, out: IO[bytes], state: _State,
           report: Reporter, attempts: int) -> None:
    failures = 0
    report.start("downloading")
    whole = state.offset == 0  # a fresh download: crate-python's own stream serves it
    while state.offset < state.size:
        before = state.offset
        try:
            if whole:
                whole = False
                _stream_whole(client, table, digest, out, state, report)
            else:
                _stream(client, table, digest, out, state, report)
        except (Unavailable, httpx.TransportError) as exc:
            failures = 0 if state.offset > before else failures + 1
            if failures >= attempts:
                raise Unavailable(
                    f"download of {digest[:12]} stopped at {state.offset:,} of "
                    f"{state.size:,} bytes after {failures} tries: {_why(exc)}; run it "
                    "again to resume", operation="download blob",
                    profile=client.profile_name) from exc
            if isinstance(exc, httpx.TransportError) and state.holder:
                client.pool.failed(state.holder, _why(exc))
            state.holder = None  # the next try asks any node; a 307 leads to the holder
            state.retries += 1
            report.wait(min(2.0, 0.1 * 2 ** failures))


def _stream_whole(client: CrateClient, table: str, digest: str, out: IO[bytes], state: _State,
                  report: Reporter) -> None:
    """The whole blob through crate-python, which follows the 307 to the holder itself and
    reads with http.client (about three times httpx's rate here, parsing in Python)."""
    operation = "download blob"
    with map_crate_errors(operation, client.profile_name):
        chunks = client.connection().get_blob_container(table).get(digest, chunk_size=CHUNK)
    try:
        while True:
            with map_crate_errors(operation, client.profile_name):  # not around the writes:
                chunk = next(chunks, None)  # a full disk is no "bad setting"
            if chunk is None:
                break
            _take(chunk, out, state, report)
    finally:
        chunks.close()
    if state.offset < state.size:  # a body that ended early without an error
        raise Unavailable("the body ended early", operation=operation)


def _take(chunk: bytes, out: IO[bytes], state: _State, report: Reporter) -> None:
    report.check(state.offset, state.size)  # a cancel asked during the last report wins
    out.write(chunk)
    state.hasher.update(chunk)
    state.offset += len(chunk)
    report(Progress("downloading", state.offset, state.size, state.holder, state.retries))


def _stream(client: CrateClient, table: str, digest: str, out: IO[bytes], state: _State,
            report: Reporter) -> None:
    headers = {}
    if state.offset:
        headers["range"] = f"bytes={state.offset}-{state.size - 1}"
    response, node = send(client, "GET", blob_path(table, digest), headers=headers,
                          stream=True, prefer=state.holder, operation="download blob")
    state.holder = node
    try:
        _check(response, state, out, table, digest, client.profile_name)
        out.seek(state.offset)
        for chunk in response.iter_raw():
            _take(chunk, out, state, report)
    finally:
        response.close()
    if state.offset < state.size:  # a body that ended early without an error
        raise httpx.RemoteProtocolError("the body ended early")


def _check(response: httpx.Response, state: _State, out: IO[bytes], table: str, digest: str,
           profile: str | None) -> None:
    status = response.status_code
    if status == 206:
        start = response.headers.get("content-range", "").removeprefix("bytes ").split("-")[0]
        if start.isdigit() and int(start) == state.offset:
            return
        raise Unavailable(f"CrateDB sent bytes from {start}, not {state.offset}",
                          operation="download blob")
    if status == 200:
        if state.offset:  # the range was ignored: start again from the first byte
            state.offset = 0
            state.hasher = hashlib.sha1()
            out.truncate(0)
        return
    response.read()
    raise blob_error(status, response.text, table=table, digest=digest,
                     operation="download blob", profile=profile)


def _why(exc: BaseException) -> str:
    if isinstance(exc, ConsoleError):
        return exc.message
    return str(exc) or type(exc).__name__
