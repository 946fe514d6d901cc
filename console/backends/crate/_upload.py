"""Upload a file to a blob table: hash it, then stream it, memory bounded on any size.

The digest is in the URL, so it must be known before the first byte goes:
one pass hashes the file, a second streams it (hashing again, so a file that
changed in between is reported rather than stored under a wrong key). Input
from a pipe is spooled to a temporary file in the first pass. A blob already
stored is found by ``HEAD`` and not sent again (``409`` would say the same
after the whole upload).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from console.backends.crate._blobs import head
from console.backends.crate._errors import blob_error
from console.backends.crate._http import blob_path, send
from console.backends.crate._names import check_table
from console.backends.crate._progress import OnProgress, Progress, Reporter
from console.errors import BadQuery, ConsoleError, NotFound

if TYPE_CHECKING:
    from console.backends.crate._client import CrateClient

CHUNK = 1 << 20


@dataclass(frozen=True)
class Uploaded:
    """A blob that is now stored."""

    digest: str
    size: int
    created: bool
    """``False`` when the blob was already there (not an error: same content, same key)."""
    server: str | None
    source: str


def upload(client: CrateClient, table: str, source: str | Path | IO[bytes], *,
           on_progress: OnProgress | None = None, cancel: threading.Event | None = None,
           ) -> Uploaded:
    """Store a file (a path, or a binary stream such as stdin) as a blob of ``table``.

    Raises:
        NotFound: the file (or the blob table) does not exist.
        BadQuery: the path is a directory, the file is empty (CrateDB cannot tell an
            empty blob from a missing one), or it changed while it was uploaded.
        ReadOnlyRefused: the profile is read-only.
        Cancelled: ``cancel`` was set; nothing is stored.
        Unavailable: no node took the upload.
    """
    check_table(table, "upload blob")
    name = source if isinstance(source, (str, Path)) else "<stdin>"
    report = Reporter(on_progress, cancel, f"upload of {name}")
    with ExitStack() as stack:
        if isinstance(source, (str, Path)):
            handle = stack.enter_context(_open(source))
            digest, size = _hash(handle, report)
        else:
            handle = stack.enter_context(tempfile.TemporaryFile(prefix="fleet-blob-"))
            digest, size = _spool(source, handle, report)
        if size == 0:
            raise BadQuery(f"{name} is empty: CrateDB cannot tell an empty blob from a "
                           "missing one, so it is not uploaded", operation="upload blob")
        stored, node = head(client, table, digest)
        if stored is not None:
            return Uploaded(digest, size, False, node, str(name))
        with client.write("blobs.put", f"{table}/{digest}", count=1):
            created, node = _put(client, table, digest, size, handle, report)
    return Uploaded(digest, size, created, node, str(name))


def _open(path: str | Path) -> IO[bytes]:
    path = Path(path)
    if path.is_dir():
        raise BadQuery(f"{path} is a directory: upload the files in it one by one",
                       operation="upload blob")
    try:
        return open(path, "rb")
    except FileNotFoundError as exc:
        raise NotFound(f"no file {path}", operation="upload blob") from exc
    except OSError as exc:
        raise ConsoleError(f"cannot read {path}: {exc.strerror}", title="Cannot read file",
                           operation="upload blob") from exc


def _hash(handle: IO[bytes], report: Reporter) -> tuple[str, int]:
    total = os.fstat(handle.fileno()).st_size
    hasher = hashlib.sha1()
    done = 0
    report.start("hashing")
    while chunk := handle.read(CHUNK):
        hasher.update(chunk)
        done += len(chunk)
        report(Progress("hashing", done, total))
    report(Progress("hashing", done, total), final=True)
    return hasher.hexdigest(), done


def _spool(source: IO[bytes], spool: IO[bytes], report: Reporter) -> tuple[str, int]:
    hasher = hashlib.sha1()
    done = 0
    while chunk := source.read(CHUNK):
        hasher.update(chunk)
        spool.write(chunk)
        done += len(chunk)
        report(Progress("hashing", done, None))
    spool.flush()
    return hasher.hexdigest(), done


def _put(client: CrateClient, table: str, digest: str, size: int, handle: IO[bytes],
         report: Reporter) -> tuple[bool, str]:
    changed: list[str] = []
    node_box: list[str | None] = [None]

    def body() -> Iterator[bytes]:
        handle.seek(0)
        hasher = hashlib.sha1()
        done = 0
        report.start("uploading")
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
            done += len(chunk)
            report(Progress("uploading", done, size, node_box[0]))
            yield chunk
        if hasher.hexdigest() != digest or done != size:
            changed.append(hasher.hexdigest())

    operation = "upload blob"
    response, node = send(client, "PUT", blob_path(table, digest), operation=operation,
                          headers={"content-length": str(size)}, body=body)
    node_box[0] = node
    if response.status_code in (201, 409):
        report(Progress("uploading", size, size, node), final=True)
        return response.status_code == 201, node
    if changed:
        raise BadQuery("the file changed while it was uploaded; nothing was stored",
                       operation=operation)
    raise blob_error(response.status_code, response.text, table=table, digest=digest,
                     operation=operation, profile=client.profile_name)
