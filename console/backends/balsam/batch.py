"""Batch jobs: submit an allocation to a site's scheduler queue, or cancel one.

Submitting creates a batch job in ``pending_submission``; the site's launcher
service sends it to the scheduler. Cancelling marks it ``pending_deletion``
(the site's service then removes it from the queue), as ``balsam queue rm``
does. Both are checked first against what the site allows, and both read the
batch job again to report what the server now holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from console.backends.balsam.manager import Manager
from console.backends.balsam.models import BatchJob, Site
from console.backends.balsam.resources import BATCH_JOBS, parse_tag
from console.errors import BadQuery, ConsoleError, NotFound

if TYPE_CHECKING:
    from console.backends.balsam.client import BalsamClient

JOB_MODES = ("serial", "mpi")
OVER = frozenset({"finished", "submit_failed", "pending_deletion"})
"""States a batch job cannot be cancelled from."""


@dataclass(frozen=True)
class CancelResult:
    """What cancelling one batch job came to."""

    batch_job_id: int
    ok: bool
    message: str
    state: str = ""

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return {
            "id": self.batch_job_id,
            "ok": self.ok,
            "state": self.state,
            "message": self.message,
        }


class BatchJobManager(Manager):
    """The ``/batch-jobs/`` collection, with submit and cancel."""

    def __init__(self, client: BalsamClient) -> None:
        super().__init__(client, BATCH_JOBS)

    async def submit(
        self,
        *,
        site: int | str,
        queue: str,
        project: str,
        num_nodes: int,
        wall_time_min: int,
        job_mode: str = "mpi",
        filter_tags: Mapping[str, str] | None = None,
        optional_params: Mapping[str, str] | None = None,
    ) -> BatchJob:
        """Ask for an allocation at a site (``POST /batch-jobs/``).

        Args:
            site: The site's id or name.
            queue: Scheduler queue; checked against the site's allowed queues.
            project: Allocation (project) to charge; checked against the site's list.
            num_nodes: Nodes, at most the queue's ``max_nodes``.
            wall_time_min: Minutes, at most the queue's ``max_walltime``.
            job_mode: ``mpi`` or ``serial``.
            filter_tags: Only jobs with these tags run in it.
            optional_params: Scheduler options passed through.

        Raises:
            BadQuery: a value the site does not allow (the message says what it allows).
            NotFound: no such site.
        """
        self.client.check_writable("submit batch job")
        found = await self.site(site)
        body = {
            "site_id": found.id,
            "project": project.strip(),
            "queue": queue.strip(),
            "num_nodes": int(num_nodes),
            "wall_time_min": int(wall_time_min),
            "job_mode": job_mode,
            "filter_tags": _tags(filter_tags),
            "optional_params": dict(optional_params or {}),
            "partitions": None,
        }
        check_submission(found, body)
        created: BatchJob = await self.create(**body)
        return created

    async def site(self, site: int | str) -> Site:
        """Find a site by id or name.

        Raises:
            NotFound: no site has that id or name.
        """
        text = str(site).strip()
        query = self.client.sites.filter(id=[int(text)]) if text.isdigit() else (
            self.client.sites.filter(name=text)
        )
        found = await query.first()
        if found is None:
            raise NotFound(f"no site '{text}'")
        return found  # type: ignore[no-any-return]

    async def cancel(self, ids: list[int]) -> list[CancelResult]:
        """Mark batch jobs ``pending_deletion``, one by one; failures are results.

        Raises:
            ReadOnlyRefused: the profile is read-only (nothing is sent).
        """
        self.client.check_writable("cancel batch jobs")
        return [await self._cancel(batch_job_id) for batch_job_id in ids]

    async def _cancel(self, batch_job_id: int) -> CancelResult:
        try:
            current: BatchJob = await self.retrieve(batch_job_id)
            if current.state in OVER:
                return CancelResult(
                    batch_job_id, False, f"already {current.state}", current.state
                )
            await self.update_one(batch_job_id, state="pending_deletion")
            now: BatchJob = await self.retrieve(batch_job_id)
        except ConsoleError as exc:
            return CancelResult(batch_job_id, False, exc.message)
        ok = now.state == "pending_deletion"
        message = "cancel requested" if ok else f"the server kept it {now.state}"
        return CancelResult(batch_job_id, ok, message, now.state)


def check_submission(site: Site, body: Mapping[str, Any]) -> None:
    """Refuse what the site's queues and projects do not allow (``raw`` site fields).

    Raises:
        BadQuery: the first rule the submission breaks, naming what is allowed.
    """
    if body["job_mode"] not in JOB_MODES:
        raise BadQuery(f"job mode is one of {', '.join(JOB_MODES)}, not {body['job_mode']!r}")
    if body["num_nodes"] < 1 or body["wall_time_min"] < 1:
        raise BadQuery("a batch job needs at least 1 node and 1 minute")
    if not body["queue"] or not body["project"]:
        raise BadQuery("a batch job needs a queue and a project")
    projects = site.raw.get("allowed_projects") or []
    if projects and body["project"] not in projects:
        raise BadQuery(f"site {site.name} allows projects {', '.join(projects)}")
    queues: dict[str, Any] = site.raw.get("allowed_queues") or {}
    if not queues:
        return
    limits = queues.get(body["queue"])
    if limits is None:
        raise BadQuery(f"site {site.name} has queues {', '.join(sorted(queues))}")
    if limits.get("max_nodes") and body["num_nodes"] > limits["max_nodes"]:
        raise BadQuery(f"queue {body['queue']} takes at most {limits['max_nodes']} nodes")
    if limits.get("max_walltime") and body["wall_time_min"] > limits["max_walltime"]:
        raise BadQuery(f"queue {body['queue']} runs at most {limits['max_walltime']} minutes")


def _tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    checked = {}
    for key, value in (tags or {}).items():
        parse_tag(f"{key}:{value}")
        if ":" in key:
            raise BadQuery(f"tag key {key!r} cannot hold ':'")
        checked[key] = str(value)
    return checked
