"""The Balsam REST client: sites, apps, jobs, batch jobs, transfers and event logs.

``BalsamClient.from_profile(profile)`` builds a client; ``client.jobs.filter(...)``
returns a lazy ``Query``; bulk changes return a ``BulkReport`` of what a read of
the jobs afterwards shows; ``client.jobs.new(...)`` makes a ``Job`` that saves,
refreshes and deletes itself, as the Balsam Python API's does.

Each name is imported on first use, with the module it lives in: ``jobs --help``
needs the job states, not the client and httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from console.backends.balsam.batch import JOB_MODES, BatchJobManager, CancelResult
    from console.backends.balsam.client import BalsamClient
    from console.backends.balsam.fields import check_create, check_update, parse_assignment
    from console.backends.balsam.jobs import RETRYABLE_STATES, JobManager
    from console.backends.balsam.manager import MAX_ITEMS_PER_BULK_OP, Manager, Page
    from console.backends.balsam.models import (
        BATCH_JOB_STATES,
        JOB_STATES,
        App,
        BatchJob,
        EventLog,
        Job,
        Site,
        TransferItem,
    )
    from console.backends.balsam.query import (
        MAX_PAGE_SIZE,
        DoesNotExist,
        MultipleObjectsReturned,
        Query,
    )
    from console.backends.balsam.report import BulkReport
    from console.backends.balsam.resources import parse_tag
    from console.backends.balsam.summary import StateCounts, state_totals, summarise

_EXPORTS = {
    "batch": "JOB_MODES BatchJobManager CancelResult",
    "client": "BalsamClient",
    "fields": "check_create check_update parse_assignment",
    "jobs": "RETRYABLE_STATES JobManager",
    "manager": "MAX_ITEMS_PER_BULK_OP Manager Page",
    "models": "BATCH_JOB_STATES JOB_STATES App BatchJob EventLog Job Site TransferItem",
    "query": "MAX_PAGE_SIZE DoesNotExist MultipleObjectsReturned Query",
    "report": "BulkReport",
    "resources": "parse_tag",
    "summary": "StateCounts state_totals summarise",
}
"""Each module under ``console.backends.balsam`` → the public names it holds."""

__all__ = [
    "BATCH_JOB_STATES",
    "JOB_MODES",
    "JOB_STATES",
    "MAX_ITEMS_PER_BULK_OP",
    "MAX_PAGE_SIZE",
    "RETRYABLE_STATES",
    "App",
    "BalsamClient",
    "BatchJob",
    "BatchJobManager",
    "BulkReport",
    "CancelResult",
    "DoesNotExist",
    "EventLog",
    "Job",
    "JobManager",
    "Manager",
    "MultipleObjectsReturned",
    "Page",
    "Query",
    "Site",
    "StateCounts",
    "TransferItem",
    "check_create",
    "check_update",
    "parse_assignment",
    "parse_tag",
    "state_totals",
    "summarise",
]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
