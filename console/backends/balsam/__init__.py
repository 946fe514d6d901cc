"""The Balsam REST client: sites, apps, jobs, batch jobs, transfers and event logs.

``BalsamClient.from_profile(profile)`` builds a client; ``client.jobs.filter(...)``
returns a lazy ``Query``; bulk changes return a ``BulkReport``.
"""

from console.backends.balsam.client import BalsamClient
from console.backends.balsam.manager import (
    MAX_ITEMS_PER_BULK_OP,
    RETRYABLE_STATES,
    BulkReport,
    JobManager,
    Manager,
    Page,
)
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
from console.backends.balsam.resources import parse_tag
from console.backends.balsam.summary import StateCounts, state_totals, summarise

__all__ = [
    "BATCH_JOB_STATES",
    "JOB_STATES",
    "MAX_ITEMS_PER_BULK_OP",
    "MAX_PAGE_SIZE",
    "RETRYABLE_STATES",
    "App",
    "BalsamClient",
    "BatchJob",
    "BulkReport",
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
    "parse_tag",
    "state_totals",
    "summarise",
]
