"""Apache Ignite 2.x over the binary thin-client protocol, on pyignite, from worker threads.

``IgniteClient`` reaches a profile's cluster (several nodes, failover,
partition awareness, credentials, TLS); ``IgniteEngine`` runs the SQL editor's
statements on it. Keys and values an operator types become typed values with
``typed(text, type_name)``; what the cluster returns is shown with
``type_name``, ``preview`` and ``tree``.
"""

import logging

from console.backends.ignite._client import IgniteClient
from console.backends.ignite._errors import map_ignite_errors
from console.backends.ignite._models import (
    CacheInfo,
    CacheSpec,
    ClusterInfo,
    Entry,
    NodeStatus,
    QueryEntity,
    QueryField,
)
from console.backends.ignite._scan import CacheScan
from console.backends.ignite._sql import SqlCursor, is_read
from console.backends.ignite._values import (
    AUTO,
    TYPES,
    Typed,
    candidates,
    editable,
    key_text,
    key_type,
    plain,
    preview,
    tree,
    type_name,
    typed,
)
from console.backends.ignite.engine import IgniteEngine

# pyignite logs every failed handshake at ERROR with a traceback; with no handler set, Python's
# last-resort handler prints it on stderr, under the CLI's output and over the TUI. Each such
# failure reaches the operator once, as the console error the call raises.
_pyignite_log = logging.getLogger("pyignite")
_pyignite_log.addHandler(logging.NullHandler())
_pyignite_log.propagate = False

__all__ = [
    "AUTO",
    "TYPES",
    "CacheInfo",
    "CacheScan",
    "CacheSpec",
    "ClusterInfo",
    "Entry",
    "IgniteClient",
    "IgniteEngine",
    "NodeStatus",
    "QueryEntity",
    "QueryField",
    "SqlCursor",
    "Typed",
    "candidates",
    "editable",
    "is_read",
    "key_text",
    "key_type",
    "map_ignite_errors",
    "plain",
    "preview",
    "tree",
    "type_name",
    "typed",
]
