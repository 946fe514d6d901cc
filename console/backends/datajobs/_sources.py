"""Open an import's input, a local file or an ``http(s)`` URL, as a stream of bytes.

A URL is fetched with httpx streaming in a thread of its own that hands
chunks over through a small queue (at most ``QUEUE_CHUNKS`` chunks of 64 KB held),
so memory stays flat on any size and a cancel is seen within a fraction of
a second even while the server is slow to send. Formats that need the whole
file at hand (XLSX is a zip, SQLite a database file) download it first.
"""

from __future__ import annotations

import io
import os
import queue
import shutil
import tempfile
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from console.errors import ConsoleError, NotFound, redact

CHUNK = 1 << 16
QUEUE_CHUNKS = 32
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
"""Seconds a URL's server may stay silent mid-transfer before the import fails."""
_EOF = b""

Check = Callable[[], None]
"""Raises ``Cancelled`` when the job was cancelled; called between reads."""


def is_url(source: str) -> bool:
    """Whether ``source`` names an ``http``/``https`` URL rather than a file."""
    return urllib.parse.urlsplit(source).scheme.lower() in ("http", "https")


def display_name(source: str) -> str:
    """The source as jobs and messages show it: a URL without credentials."""
    if not is_url(source):
        return source
    parts = urllib.parse.urlsplit(source)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return redact(urllib.parse.urlunsplit(parts._replace(netloc=netloc)))


def suffix_of(source: str) -> str:
    """The file name's extension, lower case, without the dot (from a URL's path too)."""
    path = urllib.parse.urlsplit(source).path if is_url(source) else source
    return Path(path).suffix.lower().lstrip(".")


class ByteSource(io.RawIOBase):
    """A readable raw stream that counts bytes and checks for cancel on every read.

    Args:
        name: How messages name the input.
        size: Its size in bytes, when known.
        check: Raises ``Cancelled`` when the job was cancelled.
    """

    def __init__(self, name: str, size: int | None, check: Check | None) -> None:
        super().__init__()
        self.name = name
        self.size = size
        self.consumed = 0
        self._check = check

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._check is not None:
            self._check()
        data = self._next(len(buffer))
        buffer[: len(data)] = data
        self.consumed += len(data)
        return len(data)

    def _next(self, size: int) -> bytes:
        raise NotImplementedError


class FileSource(ByteSource):
    """A local file."""

    def __init__(self, path: str, check: Check | None) -> None:
        try:
            self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        except FileNotFoundError as exc:
            raise NotFound(f"no file {path}", operation="read input") from exc
        except OSError as exc:
            raise ConsoleError(f"cannot read {path}: {exc.strerror or exc}",
                               title="Cannot read", operation="read input") from exc
        super().__init__(path, os.fstat(self._file.fileno()).st_size, check)

    def _next(self, size: int) -> bytes:
        try:
            return self._file.read(size)
        except OSError as exc:
            raise ConsoleError(f"cannot read {self.name}: {exc.strerror or exc}",
                               title="Cannot read", operation="read input") from exc

    def close(self) -> None:
        self._file.close()
        super().close()


class UrlSource(ByteSource):
    """An ``http(s)`` URL, fetched by a thread of its own into a bounded queue."""

    def __init__(self, url: str, check: Check | None) -> None:
        super().__init__(display_name(url), None, check)
        self._url = url
        self._queue: queue.Queue[bytes] = queue.Queue(QUEUE_CHUNKS)
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._left = b""
        self._done = False
        threading.Thread(target=self._pump, name="url-import", daemon=True).start()
        while not self._ready.wait(0.1):  # headers (or a failure) first
            if check is not None:
                self._cancel_on_failure(check)
        self._raise_error()

    def _cancel_on_failure(self, check: Check) -> None:
        try:
            check()
        except BaseException:
            self._stop.set()
            raise

    def _pump(self) -> None:
        import httpx

        from console.backends.http import map_http_errors, raise_for_status

        timeout = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
        try:
            with map_http_errors(self.name, "download input"), \
                    httpx.stream("GET", self._url, timeout=timeout,
                                 follow_redirects=True) as response:
                if response.status_code >= 400:
                    response.read()
                    raise_for_status(response, service=self.name, operation="download input")
                if "content-encoding" not in response.headers:
                    length = response.headers.get("content-length", "")
                    self.size = int(length) if length.isdigit() else None
                self._ready.set()
                for chunk in response.iter_bytes():  # as they come: a size would wait to fill it
                    if not self._put(chunk):
                        return
        except BaseException as exc:  # handed to the reading thread, which raises it
            self._error = exc
        finally:
            self._ready.set()
            self._put(_EOF)

    def _put(self, chunk: bytes) -> bool:
        while not self._stop.is_set():
            with suppress(queue.Full):
                self._queue.put(chunk, timeout=0.1)
                return True
        return False

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _next(self, size: int) -> bytes:
        while not self._left and not self._done:
            try:
                chunk = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self._check is not None:
                    self._cancel_on_failure(self._check)
                continue
            self._raise_error()
            self._done = chunk == _EOF
            self._left = chunk
        data, self._left = self._left[:size], self._left[size:]
        return data

    def close(self) -> None:
        self._stop.set()
        super().close()


def open_source(source: str, check: Check | None = None) -> ByteSource:
    """Open a file or URL for reading (a URL's headers are awaited, errors raised here).

    Raises:
        NotFound: no such file, or the URL answered 404.
        Unavailable: the URL's server cannot be reached or stopped answering.
        ConsoleError: any other reason the input cannot be read.
    """
    if is_url(source):
        return UrlSource(source, check)
    return FileSource(os.path.expanduser(source), check)


@contextmanager
def local_file(source: str, workdir: Path | None = None,
               check: Check | None = None) -> Iterator[Path]:
    """Yield a path to the input on disk: the file itself, or a URL downloaded to a temp file.

    Raises:
        ConsoleError: as ``open_source``; or the download cannot be written.
    """
    if not is_url(source):
        path = Path(os.path.expanduser(source))
        if not path.is_file():
            raise NotFound(f"no file {path}", operation="read input")
        yield path
        return
    handle, name = tempfile.mkstemp(prefix=".download-", dir=workdir)
    try:
        with os.fdopen(handle, "wb") as out, open_source(source, check) as stream:
            shutil.copyfileobj(stream, out, CHUNK)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
