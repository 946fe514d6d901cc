"""The Balsam REST client: sites, apps, jobs, batch jobs, transfers and event logs.

``BalsamClient.from_profile(profile)`` builds a client; ``client.jobs.filter(...)``
returns a lazy ``Query``; bulk changes return a ``BulkReport`` of what a read of
the jobs afterwards shows; ``client.jobs.new(...)`` makes a ``Job`` that saves,
refreshes and deletes itself, as the Balsam Python API's does.
"""

from typing import TYPE_CHECKING, Any

from console.backends.balsam.batch import JOB_MODES, BatchJobManager, CancelResult
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

if TYPE_CHECKING:
    from console.backends.balsam.client import BalsamClient

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


def __getattr__(name: str) -> Any:
    """Import the client (and httpx) when it is first asked for, not with the names beside it:
    ``fleet-console jobs --help`` needs the job states, not an HTTP stack."""
    if name == "BalsamClient":
        from console.backends.balsam.client import BalsamClient

        return BalsamClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
