"""Running one ``DiffRequest`` on two registries: the CLI and the TUI share this.

The SQL comparison blocks (psycopg2), so it runs in a thread; ``cancel()``
stops its statements on both servers. The device and jobs comparisons are
asyncio all the way down and stop when their task is cancelled.
"""

from __future__ import annotations

import asyncio

from console.clients import Clients
from console.diff.devices import compare_devices
from console.diff.jobs import compare_jobs
from console.diff.model import Comparison
from console.diff.request import DEVICES, JOBS_SUMMARY, SQL, DiffRequest
from console.diff.sql import SqlDiff
from console.diff.tally import DEFAULT_LIMIT
from console.errors import BadQuery


class DiffJob:
    """One comparison of ``request`` between profile ``a`` and profile ``b``.

    Args:
        request: What to compare.
        a: The first profile's registry (the operator's current one).
        b: The second profile's registry.
        limit: Differing rows to keep for display; all are counted.
    """

    def __init__(self, request: DiffRequest, a: Clients, b: Clients, *,
                 limit: int = DEFAULT_LIMIT) -> None:
        self.request = request
        self.a, self.b = a, b
        self.limit = limit
        self._sql: SqlDiff | None = None

    async def run(self) -> Comparison:
        """Compare, and return what differs.

        Raises:
            BadQuery: the request cannot be compared (bad SQL, filter or key).
            Cancelled: ``cancel()`` stopped a SQL comparison.
            ConsoleError: a side failed; its ``profile`` says which.
        """
        request = self.request
        if request.kind == SQL:
            return await asyncio.to_thread(self._run_sql)
        if request.kind == DEVICES:
            return await compare_devices(self.a, self.b, request.filter_text, limit=self.limit)
        if request.kind == JOBS_SUMMARY:
            return await compare_jobs(self.a, self.b, limit=self.limit)
        raise BadQuery(f"cannot compare {request.kind!r}", operation="compare")

    def _run_sql(self) -> Comparison:
        request = self.request
        self._sql = SqlDiff(self.a, self.b, limit=self.limit)
        return self._sql.run(request.sql, database=request.database, keys=request.keys)

    def run_blocking(self) -> Comparison:
        """``run`` outside any event loop (the CLI), closing both registries afterwards.

        A SQL comparison runs in the calling thread, so an interrupt reaches it and
        its statements are cancelled on both servers before it propagates.
        """
        if self.request.kind != SQL:
            return asyncio.run(self._closing())
        try:
            return self._run_sql()
        except KeyboardInterrupt:
            self.cancel()
            raise
        finally:
            self.a.close()
            self.b.close()

    async def _closing(self) -> Comparison:
        try:
            return await self.run()
        finally:
            await asyncio.gather(self.a.aclose(), self.b.aclose())

    def cancel(self) -> None:
        """Stop a SQL comparison's statements on both servers (safe from any thread)."""
        if self._sql is not None:
            self._sql.cancel()
