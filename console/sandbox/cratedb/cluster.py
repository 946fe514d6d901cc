"""The state both nodes share: the database, the blob files, who is up, and fault switches.

Each blob lives in one shard of its table (chosen from its digest) and each
shard on one node (shard number modulo the node count), so the node that
does not hold a blob answers ``307`` to the one that does, as CrateDB does.
When the holder is down and the table keeps replicas, the next live node
holds the copy, as a promoted replica would.
"""

from __future__ import annotations

import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from console.sandbox.cratedb.database import Database
from console.sandbox.cratedb.replies import CrateError
from console.sandbox.cratedb.translate import BlobDdl

DEFAULT_SHARDS = 4
DEFAULT_REPLICAS = "0-1"
_REPLICAS = re.compile(r"^\d+(-(\d+|all))?$")


@dataclass
class Faults:
    """Switches tests and demos flip to make the cluster misbehave."""

    cut_after: int | None = None
    """Cut the next blob body after this many bytes (then the switch resets)."""
    sql_unavailable: bool = False
    """``/_sql`` answers ``503`` as a cluster with a global block does."""
    chunk_delay: float = 0.0
    """Seconds to wait between the chunks of a blob body (a slow node)."""


@dataclass(frozen=True)
class BlobTable:
    name: str
    shards: int
    replicas: str

    @property
    def keeps_copies(self) -> bool:
        """Whether a replica can stand in for a shard whose node is down."""
        return self.replicas.split("-")[-1] not in ("0", "")


class Cluster:
    """What the nodes of one stand-in share; each node app holds one."""

    def __init__(self, db: Database, root: Path, urls: list[str]) -> None:
        self.db = db
        self.root = root
        self.urls = list(urls)
        self.names = [f"crate-{i + 1}" for i in range(len(urls))]
        self.live: set[int] = set()
        self.faults = Faults()
        self.lock = threading.RLock()
        self.tables: dict[str, BlobTable] = {}
        self.db.execute("INSERT INTO _crate.nodes VALUES " + ", ".join(
            ["(%s, %s, %s)"] * len(urls)), [v for i, url in enumerate(urls)
                                             for v in (i, self.names[i], url)])

    # -- where blobs live -----------------------------------------------------------

    def blob_dir(self, table: str) -> Path:
        return self.root / table

    def blob_path(self, table: str, digest: str) -> Path:
        return self.root / table / digest[:2] / digest

    def shard_of(self, table: BlobTable, digest: str) -> int:
        return int(digest[:8], 16) % table.shards

    def owner(self, table: BlobTable, digest: str) -> int | None:
        """The node that serves this blob now (``None``: its shard is unavailable)."""
        home = self.shard_of(table, digest) % len(self.urls)
        if home in self.live or not table.keeps_copies:
            return home if home in self.live else None
        for step in range(1, len(self.urls)):
            candidate = (home + step) % len(self.urls)
            if candidate in self.live:
                return candidate
        return None

    # -- blob tables ------------------------------------------------------------------

    def load_tables(self) -> None:
        rows = self.db.execute("SELECT table_name, shards, replicas FROM _crate.blob_tables")
        with self.lock:
            self.tables = {name: BlobTable(name, shards, replicas)
                           for name, shards, replicas in rows}

    def table(self, name: str) -> BlobTable | None:
        return self.tables.get(name)

    def apply(self, ddl: BlobDdl) -> int:
        """Carry out a blob-table statement; return its row count.

        Raises:
            CrateError: the table exists (create), is unknown (drop, alter), or an
                option is invalid.
        """
        with self.lock:
            if ddl.action == "create":
                self._create(ddl)
            elif ddl.action == "drop":
                if ddl.table not in self.tables:
                    if ddl.if_exists:
                        return 0
                    raise _unknown(ddl.table)
                self._drop(ddl.table)
            else:
                self._alter(ddl)
            return 1

    def _create(self, ddl: BlobDdl) -> None:
        if ddl.table in self.tables:
            raise CrateError(4093, "RelationAlreadyExists",
                             f"Relation 'blob.{ddl.table}' already exists.")
        if ddl.table.startswith("_") or "/" in ddl.table or not ddl.table:
            raise CrateError(4002, "InvalidRelationName",
                             f"Relation name \"{ddl.table}\" is invalid.")
        replicas = _replicas(ddl.options.get("number_of_replicas", DEFAULT_REPLICAS))
        shards = ddl.shards or DEFAULT_SHARDS
        self.db.execute(
            "INSERT INTO _crate.blob_tables (table_name, shards, replicas, blobs_path) "
            "VALUES (%s, %s, %s, %s)", (ddl.table, shards, replicas, ddl.options.get("blobs_path")))
        self.db.execute(
            f'CREATE VIEW blob."{_ident(ddl.table)}" AS SELECT digest, last_modified '
            "FROM _crate.blobs WHERE table_name = %s", (ddl.table,))
        self.tables[ddl.table] = BlobTable(ddl.table, shards, replicas)
        self.blob_dir(ddl.table).mkdir(parents=True, exist_ok=True)

    def _drop(self, name: str) -> None:
        self.db.execute(f'DROP VIEW blob."{_ident(name)}"')
        self.db.execute("DELETE FROM _crate.blob_tables WHERE table_name = %s", (name,))
        del self.tables[name]
        shutil.rmtree(self.blob_dir(name), ignore_errors=True)

    def _alter(self, ddl: BlobDdl) -> None:
        current = self.tables.get(ddl.table)
        if current is None:
            raise _unknown(ddl.table)
        replicas = _replicas(ddl.options.get("number_of_replicas", current.replicas))
        self.db.execute("UPDATE _crate.blob_tables SET replicas = %s WHERE table_name = %s",
                        (replicas, ddl.table))
        self.tables[ddl.table] = BlobTable(ddl.table, current.shards, replicas)

    # -- blobs --------------------------------------------------------------------------

    def stored(self, table: BlobTable, digest: str, size: int) -> None:
        """Record a blob that was just written."""
        self.db.execute(
            "INSERT INTO _crate.blobs VALUES (%s, %s, %s, %s, now()) "
            "ON CONFLICT (table_name, digest) DO NOTHING",
            (table.name, digest, size, self.shard_of(table, digest)))

    def removed(self, table: BlobTable, digest: str) -> None:
        self.db.execute("DELETE FROM _crate.blobs WHERE table_name = %s AND digest = %s",
                        (table.name, digest))


def _replicas(value: str) -> str:
    if not _REPLICAS.match(str(value)):
        raise CrateError(4000, "SQLParseException",
                         f"Invalid value for argument 'number_of_replicas': '{value}'")
    return str(value)


def _ident(name: str) -> str:
    return name.replace('"', '""')


def _unknown(name: str) -> CrateError:
    return CrateError(4041, "RelationUnknown", f"Relation 'blob.{name}' unknown")
