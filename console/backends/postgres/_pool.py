"""One database's connections: a psycopg2 ``ThreadedConnectionPool`` behind a semaphore.

``ThreadedConnectionPool.getconn()`` raises ``PoolError`` when every
connection is out instead of waiting, so callers first take a slot from a
semaphore of the pool's size. The pool checks nothing: a connection the
server closed comes back looking open and fails on first use. An idle
connection whose socket is readable has been told something (usually
"terminating connection"), so it is closed and replaced instead of lent.
"""

from __future__ import annotations

import select
import threading
from typing import Any

import psycopg2
import psycopg2.extensions
import psycopg2.pool
from psycopg2.pool import ThreadedConnectionPool

from console.backends.postgres._errors import map_pg_errors
from console.errors import Unavailable

Connection = psycopg2.extensions.connection

KEEP_IDLE = 1
"""Connections kept open between calls (psycopg2's ``minconn``); more are closed on return."""


def looks_alive(conn: Connection) -> bool:
    """Whether an idle connection may be used: open, and the server has not written to it."""
    if conn.closed:
        return False
    try:
        return not _readable(conn.fileno())
    except (OSError, ValueError, psycopg2.Error):
        return False


def _readable(fd: int) -> bool:
    if hasattr(select, "poll"):  # select() cannot watch descriptors above 1023
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([fd], [], [], 0)
    return bool(readable)


class DatabasePool:
    """Lend and take back connections to one database, at most ``size`` at once.

    Args:
        connect_kwargs: psycopg2 ``connect()`` keywords (dbname, host, options…).
        size: Most connections open at once.
        wait: Seconds to wait for a free connection before giving up.
        profile: The profile's name, for error messages.
    """

    def __init__(self, connect_kwargs: dict[str, Any], size: int, wait: float,
                 profile: str | None = None) -> None:
        self.database = str(connect_kwargs.get("dbname"))
        self._kwargs = connect_kwargs
        self._size = size
        self._wait = wait
        self._profile = profile
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._pool: ThreadedConnectionPool | None = None
        self._retired = False

    def acquire(self) -> Connection:
        """Lend a live connection in autocommit mode, waiting for a free slot.

        Raises:
            Unavailable: no slot freed up in time, or the server cannot be reached.
            NotFound: the database does not exist.
            AuthError: the server refused the profile's role.
        """
        if not self._slots.acquire(timeout=self._wait):
            raise Unavailable(
                f"all {self._size} connections to database \"{self.database}\" are busy",
                profile=self._profile, operation="connect",
            )
        try:
            conn = self._live_connection()
        except BaseException:
            self._slots.release()
            raise
        conn.autocommit = True
        return conn

    def _live_connection(self) -> Connection:
        with map_pg_errors(f'connect to database "{self.database}"', profile=self._profile):
            pool = self._ensure_pool()
            for _ in range(self._size + KEEP_IDLE):
                conn = pool.getconn()
                if looks_alive(conn):
                    return conn
                pool.putconn(conn, close=True)
            raise psycopg2.OperationalError("no usable connection")  # pragma: no cover

    def _ensure_pool(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None:
                # Opens KEEP_IDLE connections now, so a bad database name fails here.
                self._pool = ThreadedConnectionPool(KEEP_IDLE, self._size, **self._kwargs)
            return self._pool

    def release(self, conn: Connection, *, discard: bool = False) -> None:
        """Take a connection back; close it if broken, dirty, ``discard`` or the pool retired."""
        try:
            keep = not (discard or self._retired or conn.closed)
            if keep and conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
                conn.rollback()
            if keep:
                conn.autocommit = True
            self._put(conn, close=not keep)
        except psycopg2.Error:
            self._put(conn, close=True)
        finally:
            self._slots.release()

    def _put(self, conn: Connection, *, close: bool) -> None:
        with self._lock:
            pool = self._pool
        try:
            if pool is None:
                raise psycopg2.pool.PoolError("no pool")
            pool.putconn(conn, close=close)
        except psycopg2.pool.PoolError:  # closed by close() while the connection was out
            conn.close()

    def close_idle(self) -> None:
        """Close the idle connections (a database about to be renamed or dropped)."""
        with self._lock:
            pool = self._pool
        if pool is None:
            return
        # psycopg2's pool has no public way to close only its idle connections.
        with pool._lock:
            idle, pool._pool = pool._pool, []
        for conn in idle:
            conn.close()

    def retire(self) -> None:
        """Close idle connections now and every lent one when it comes back."""
        self._retired = True
        self.close_idle()

    def close(self) -> None:
        """Close every connection, lent ones included."""
        self._retired = True
        with self._lock:
            pool = self._pool
        if pool is not None and not pool.closed:
            pool.closeall()
