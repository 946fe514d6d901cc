"""Run imports and exports as tracked jobs: progress, cancel, and a history on disk.

``DataJobs.of(profile)`` is the one manager per profile in this process (the
Databases and SQL panes share it). ``start`` records a job as RECEIVED;
``run`` marks it PROCESSING, runs the work with a ``JobHandle`` and records
DONE or FAILED with the reason. The work reports progress through the handle,
which saves it about once a second (so ``data-jobs list`` in another shell
sees it move) and checks whether anyone asked to cancel.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from console import processes
from console.backends.datajobs._models import DataJob, JobState, now_iso
from console.backends.datajobs._store import KEEP, JobStore
from console.errors import Cancelled, ConsoleError, NotFound
from console.profiles import locations

SAVE_EVERY = 1.0
"""Seconds between progress saves (and checks of the store's cancel flag)."""


class JobHandle:
    """What a running job's work uses: counters, the cancel flag, where input was at fault.

    ``advance`` and ``check`` are called from the work's thread; ``cancel``
    from any thread.
    """

    def __init__(self, jobs: DataJobs, job: DataJob) -> None:
        self.job = job
        self._jobs = jobs
        self._cancel = threading.Event()
        self._hooks: list[Callable[[], None]] = []
        self._began = time.monotonic()
        self._saved = 0.0  # the first progress is saved at once, then once a second
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        """Whether the operator asked to stop."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop; hooks (e.g. a connection's ``cancel``) run at once."""
        self._cancel.set()
        with self._lock:
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` when the job is cancelled (at once if it already was)."""
        with self._lock:
            self._hooks.append(hook)
        if self.cancelled:
            hook()

    def check(self) -> None:
        """Raise ``Cancelled`` if the operator asked to stop (here, or through the store).

        Called often (between reads); it saves progress about once a second, so a
        job stalled on a slow input still shows its state and hears a cancel.

        Raises:
            Cancelled: the job was cancelled.
        """
        self._maybe_save()
        if self.cancelled:
            raise Cancelled(f"{self.job.kind} cancelled by the operator",
                            operation=f"{self.job.kind} data")

    def advance(self, rows: int = 0, nbytes: int = 0) -> None:
        """Count rows and bytes done; save progress about once a second."""
        self.job.rows += rows
        self.job.bytes += nbytes
        self._maybe_save()

    def _maybe_save(self) -> None:
        now = time.monotonic()
        if now - self._saved >= SAVE_EVERY and self.job.state is JobState.PROCESSING:
            self._saved = now
            self.job.elapsed = now - self._began
            self._jobs.checkpoint(self)

    def set_totals(self, *, total_bytes: int | None = None,
                   total_rows: int | None = None) -> None:
        """Say how big the input is, when known, so the time left can be told."""
        if total_bytes is not None:
            self.job.total_bytes = total_bytes
        if total_rows is not None:
            self.job.total_rows = total_rows

    def fault(self, line: int, unit: str = "line") -> None:
        """Record where the input was at fault (``line`` 12, ``row`` 5, ``record`` 3)."""
        self.job.error_line = line
        self.job.error_unit = unit

    def elapsed(self) -> float:
        """Seconds since the work began."""
        return time.monotonic() - self._began


class DataJobs:
    """The data jobs of one profile: start, run, list, cancel.

    Args:
        profile: The profile's name; its data directory keeps the history.
        store: Another store (tests).
    """

    _managers: ClassVar[dict[str, DataJobs]] = {}
    _managers_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, profile: str, store: JobStore | None = None) -> None:
        self.profile = profile
        self.store = store or JobStore(locations.data_jobs_file(profile))
        self._running: dict[str, JobHandle] = {}
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._pid_started = processes.started(self._pid) or 0.0

    @classmethod
    def of(cls, profile: str) -> DataJobs:
        """Return this process's manager for ``profile`` (made on first use)."""
        with cls._managers_lock:
            manager = cls._managers.get(profile)
            if manager is None:
                manager = cls._managers[profile] = cls(profile)
            return manager

    def start(self, kind: str, fmt: str, source: str, target: str, database: str,
              **extra: Any) -> JobHandle:
        """Record a new job as RECEIVED and return its handle (nothing runs yet)."""
        job = DataJob(id=uuid.uuid4().hex[:12], kind=kind, fmt=fmt, source=source,
                      target=target, database=database, pid=self._pid,
                      pid_started=self._pid_started, **extra)
        handle = JobHandle(self, job)
        with self._lock:
            self._running[job.id] = handle
        self.store.save(job)
        return handle

    def run(self, handle: JobHandle, work: Callable[[JobHandle], int]) -> DataJob:
        """Run ``work(handle)`` (it returns the rows done) and record how it ended.

        A ``ConsoleError`` ends the job FAILED with its message; anything else
        (a bug, Ctrl-C) too, and is raised again.

        Returns:
            The finished job, DONE or FAILED.
        """
        job = handle.job
        job.state, job.date_started = JobState.PROCESSING, now_iso()
        self.store.save(job)
        try:
            handle.check()
            job.rows = work(handle)
            job.state = JobState.DONE
        except ConsoleError as exc:
            self._failed(job, type(exc).__name__, exc.message)
            place = getattr(exc, "input_position", None)  # set by ``input_error``
            if place is not None:
                handle.fault(*place)
        except BaseException as exc:
            self._failed(job, type(exc).__name__, f"stopped by {type(exc).__name__}: {exc}")
            raise
        finally:
            self._finish(handle)
        return job

    def _failed(self, job: DataJob, kind: str, message: str) -> None:
        job.state, job.error_type, job.error_details = JobState.FAILED, kind, message

    def _finish(self, handle: JobHandle) -> None:
        job = handle.job
        job.elapsed = handle.elapsed()
        job.date_finished = now_iso()
        job.partial_path = None
        with self._lock:
            self._running.pop(job.id, None)
        self.store.save(job, prune=KEEP)

    def checkpoint(self, handle: JobHandle) -> None:
        """Save a running job's progress; pick up a cancel asked through the store."""
        if self.store.checkpoint(handle.job):
            handle.cancel()

    def list(self, limit: int = 200) -> list[DataJob]:
        """Return the newest jobs first, live progress of this process's own included."""
        jobs = self.store.list(limit)
        with self._lock:
            live = {job_id: handle.job for job_id, handle in self._running.items()}
        for job in jobs:
            if job.id in live:
                live[job.id].elapsed = self._running_elapsed(job.id, live[job.id])
        return [live.get(job.id, job) for job in jobs]

    def _running_elapsed(self, job_id: str, job: DataJob) -> float:
        handle = self._running.get(job_id)
        return handle.elapsed() if handle is not None and job.state.active else job.elapsed

    def get(self, job_id: str) -> DataJob:
        """Return one job by id or unique id prefix.

        Raises:
            NotFound: no job, or several, start with ``job_id``.
        """
        found = [job for job in self.list(limit=KEEP_LOOKUP) if job.id.startswith(job_id)]
        if len(found) != 1:
            what = "no data job" if not found else f"{len(found)} data jobs"
            raise NotFound(f"{what} with an id starting {job_id!r}", operation="data jobs")
        return found[0]

    def cancel(self, job_id: str) -> bool:
        """Stop a running job (in this process at once, in another within a second).

        Returns:
            ``False`` if the job has already finished.

        Raises:
            NotFound: no such job.
        """
        job = self.get(job_id)
        with self._lock:
            handle = self._running.get(job.id)
        if handle is not None:
            handle.job.cancel_requested = True
            handle.cancel()
            return True
        return self.store.request_cancel(job.id)

    def cancel_all(self) -> int:
        """Cancel every job this process runs (the console is closing); return how many."""
        with self._lock:
            handles = list(self._running.values())
        for handle in handles:
            handle.cancel()
        return len(handles)


KEEP_LOOKUP = 1000
"""Jobs searched when one is named by id."""
