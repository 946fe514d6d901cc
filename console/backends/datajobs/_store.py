"""The profile's job history: a small SQLite file, so it survives restarts.

One row per job holding its JSON record; every change is one transaction,
so a reader (the TUI, ``data-jobs list`` in another shell) sees a job whole,
before or after, never half written. Two processes may run jobs at once:
SQLite serialises their writes.

A job still RECEIVED or PROCESSING whose process is gone (the console was
closed or killed) can never finish: ``list`` marks it FAILED, saying so.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from console import processes
from console.backends.datajobs._models import DataJob, JobState, now_iso
from console.errors import Unavailable

KEEP = 500
"""Finished jobs kept in the history; older ones are forgotten."""
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    created TEXT NOT NULL,
    state TEXT NOT NULL,
    record TEXT NOT NULL
)
"""


def _prepare(db: sqlite3.Connection) -> None:
    """Write-ahead log, synced at checkpoints: a commit no longer waits for the disk.

    A killed console loses nothing it committed (the log is in the file system's
    hands); a power cut may lose the last commits, never the file's consistency.
    The log is folded into the file when it grows, or when its last connection closes.
    """
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(_SCHEMA)


class JobStore:
    """Read and write one profile's job records.

    Args:
        path: The SQLite file (``locations.data_jobs_file(profile)``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the store's connection, kept open between calls: closing
        the last connection to a WAL file checkpoints it, a sync each time."""
        with self._lock:
            try:
                with self._connect() as db:
                    yield db
            except sqlite3.Error as exc:
                self.close()  # the next call starts afresh
                raise Unavailable(f"cannot use the job history {self.path}: {exc}",
                                  operation="data jobs") from exc

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            try:
                _prepare(db)
            except sqlite3.Error:
                db.close()
                raise
            self._connection = db
        return self._connection

    def close(self) -> None:
        """Close the connection (the next call opens another)."""
        if self._connection is not None:
            with suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None

    def save(self, job: DataJob, *, prune: int | None = None) -> None:
        """Write a job's record (new or changed) in one transaction.

        Args:
            job: The job.
            prune: Forget, in the same transaction, all but this many finished jobs.
        """
        with self._db() as db:
            _write(db, job)
            if prune is not None:
                _prune(db, prune)

    def checkpoint(self, job: DataJob) -> bool:
        """Save a running job's progress; return whether a cancel was asked through the store.

        One transaction: a cancel asked by another process is read, then kept in the
        record written, never overwritten by it.
        """
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT json_extract(record, '$.cancel_requested') FROM jobs "
                             "WHERE id = ?", (job.id,)).fetchone()
            asked = bool(row and row[0])
            job.cancel_requested = job.cancel_requested or asked
            _write(db, job)
        return asked

    def get(self, job_id: str) -> DataJob | None:
        """Return one job, or ``None`` if the history has no such id."""
        with self._db() as db:
            row = db.execute("SELECT record FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else DataJob.from_record(json.loads(row[0]))

    def find(self, prefix: str) -> list[DataJob]:
        """Return the jobs whose id starts with ``prefix`` (ids may be shortened)."""
        pattern = prefix.replace("\\", "").replace("%", "").replace("_", "") + "%"
        with self._db() as db:
            rows = db.execute("SELECT record FROM jobs WHERE id LIKE ?", (pattern,)).fetchall()
        return [DataJob.from_record(json.loads(row[0])) for row in rows]

    def request_cancel(self, job_id: str) -> bool:
        """Flag a running job to stop (its process polls the flag); ``False`` if not running."""
        job = self.get(job_id)
        if job is None or not job.state.active:
            return False
        with self._db() as db:
            db.execute("UPDATE jobs SET record = json_set(record, '$.cancel_requested', "
                       "json('true')) WHERE id = ?", (job_id,))
        return True

    def cancel_requested(self, job_id: str) -> bool:
        """Whether someone asked, through the store, to stop the job."""
        with self._db() as db:
            row = db.execute("SELECT json_extract(record, '$.cancel_requested') FROM jobs "
                             "WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row[0])

    def list(self, limit: int = 200) -> list[DataJob]:
        """Return the newest jobs first, marking those cut short as FAILED."""
        with self._db() as db:
            rows = db.execute("SELECT record FROM jobs ORDER BY created DESC, rowid DESC "
                              "LIMIT ?", (limit,)).fetchall()
        jobs = [DataJob.from_record(json.loads(row[0])) for row in rows]
        for job in jobs:
            if job.state.active and not self._owner_alive(job):
                self._mark_cut_short(job)
        return jobs

    @staticmethod
    def _owner_alive(job: DataJob) -> bool:
        if job.pid == os.getpid():
            return True
        started = processes.started(job.pid)
        return started is not None and abs(started - job.pid_started) < 1.0

    def _mark_cut_short(self, job: DataJob) -> None:
        was = "processing" if job.state is JobState.PROCESSING else "waiting to start"
        outcome = ("nothing was committed" if job.kind == "import"
                   else "the partial file was removed")
        job.state = JobState.FAILED
        job.date_finished = now_iso()
        job.error_type = "Interrupted"
        job.error_details = (f"the console running this job (pid {job.pid}) stopped while it "
                             f"was {was}; {outcome}")
        if job.partial_path:
            with suppress(OSError):
                Path(job.partial_path).unlink(missing_ok=True)
        self.save(job)

    def prune(self, keep: int = KEEP) -> None:
        """Forget all but the newest ``keep`` finished jobs."""
        with self._db() as db:
            _prune(db, keep)


def _write(db: sqlite3.Connection, job: DataJob) -> None:
    record = json.dumps(job.to_record(), ensure_ascii=False)
    db.execute("INSERT INTO jobs (id, created, state, record) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (id) DO UPDATE SET state = excluded.state, record = excluded.record",
               (job.id, job.date_created, job.state.value, record))


def _prune(db: sqlite3.Connection, keep: int) -> None:
    db.execute("DELETE FROM jobs WHERE state IN ('DONE', 'FAILED') AND id NOT IN "
               "(SELECT id FROM jobs ORDER BY created DESC, rowid DESC LIMIT ?)", (keep,))
