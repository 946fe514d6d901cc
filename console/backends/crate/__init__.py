"""CrateDB: SQL over ``/_sql`` and blob tables over ``/_blobs``, on a cluster of nodes.

crate-python (CrateDB's own client) carries SQL and the blob calls it serves
(exists, delete), with its round-robin and failover over the profile's nodes,
TLS checks and credentials. Transfers go through httpx to the same nodes,
for what crate-python cannot do: progress while streaming, resume by
``Range``, and following a ``307`` to the node that holds a blob in the
middle of a ranged download. Everything here blocks: call it from threads.
"""

from console.backends.crate._blobs import BlobInfo
from console.backends.crate._client import BulkResult, CrateClient, SqlResult
from console.backends.crate._download import Downloaded
from console.backends.crate._errors import blob_error, map_crate_errors, sql_error
from console.backends.crate._names import check_digest, check_table
from console.backends.crate._pool import NodeState, ServerPool
from console.backends.crate._progress import Progress
from console.backends.crate._tables import BlobTable
from console.backends.crate._upload import Uploaded
from console.backends.crate.engine import CrateEngine, CrateRun, CrateSession

__all__ = [
    "BlobInfo",
    "BlobTable",
    "BulkResult",
    "CrateClient",
    "CrateEngine",
    "CrateRun",
    "CrateSession",
    "Downloaded",
    "NodeState",
    "Progress",
    "ServerPool",
    "SqlResult",
    "Uploaded",
    "blob_error",
    "check_digest",
    "check_table",
    "map_crate_errors",
    "sql_error",
]
