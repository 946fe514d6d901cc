"""Seed data: two ordinary tables to query and two blob tables, the same on every start.

Blob bytes are generated from the seed, never shipped. Big files (tens of MB)
are kept between starts when their size matches (their content is a function
of the seed), so a restart does not write them again; anything else in the
blob directory is from an earlier run and goes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import shutil

from console.sandbox.cratedb.cluster import Cluster
from console.sandbox.cratedb.translate import BlobDdl

BIG_TABLE = "firmware"
SMALL_TABLE = "assets"
DEFAULT_SMALL = 300
DEFAULT_BIG_MB = (12, 20, 32)
_MIB = 1 << 20

_TABLES = """
CREATE TABLE doc.sensors (
    id integer PRIMARY KEY, name text NOT NULL, site text NOT NULL, location doc.object,
    tags text[], installed timestamptz NOT NULL, active boolean NOT NULL);
INSERT INTO doc.sensors
SELECT g, 'sensor-' || lpad(g::text, 3, '0'),
       (ARRAY['greenhouse', 'warehouse', 'dock', 'lab'])[1 + mod(g, 4)],
       jsonb_build_object('lat', round((48 + g * 0.01)::numeric, 4),
                          'lon', round((11 + g * 0.02)::numeric, 4), 'floor', mod(g, 3)),
       ARRAY['v' || (1 + mod(g, 3)), CASE WHEN mod(g, 5) = 0 THEN 'outdoor' ELSE 'indoor' END],
       %(epoch)s::timestamptz - make_interval(days => g), mod(g, 7) <> 0
FROM generate_series(1, 200) g;
CREATE TABLE doc.readings (
    sensor_id integer NOT NULL, ts timestamptz NOT NULL, temperature double precision,
    humidity real, battery smallint, PRIMARY KEY (sensor_id, ts));
INSERT INTO doc.readings
SELECT 1 + mod(g, 200), %(epoch)s::timestamptz - make_interval(mins => g),
       round((18 + 6 * sin(g / 50.0))::numeric, 2)::double precision,
       (40 + mod(g * 7, 35))::real, (100 - mod(g, 90))::smallint
FROM generate_series(1, 5000) g;
"""


def seed(cluster: Cluster, *, seed_value: int, epoch: dt.datetime, small: int = DEFAULT_SMALL,
         big_mb: tuple[int, ...] = DEFAULT_BIG_MB) -> None:
    """Create and fill the tables and the blob tables."""
    cluster.db.execute(_TABLES, {"epoch": epoch})
    cluster.apply(BlobDdl("create", BIG_TABLE, shards=3, options={"number_of_replicas": "1"}))
    cluster.apply(BlobDdl("create", SMALL_TABLE, shards=4,
                          options={"number_of_replicas": "0-1"}))
    rows = _big_files(cluster, seed_value, big_mb)
    rng = random.Random(seed_value)
    for i in range(small):
        data = rng.randbytes(rng.randint(512, 96 * 1024))
        rows.append(_write(cluster, SMALL_TABLE, data, epoch - dt.timedelta(minutes=37 * i)))
    for i, (table, digest, size, _) in enumerate(rows[: len(big_mb)]):
        rows[i] = (table, digest, size, epoch - dt.timedelta(days=3 * (i + 1)))
    _record(cluster, rows)
    _clean(cluster, {(t, d) for t, d, _, _ in rows})


Row = tuple[str, str, int, dt.datetime]


def _big_files(cluster: Cluster, seed_value: int, big_mb: tuple[int, ...]) -> list[Row]:
    """Write each big file unless an earlier start left it (its manifest says so)."""
    manifest_path = cluster.root / f".manifest-{seed_value}.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    rows: list[Row] = []
    for i, megabytes in enumerate(big_mb):
        key = f"{i}:{megabytes}"
        digest = manifest.get(key)
        if not digest or not cluster.blob_path(BIG_TABLE, digest).exists():
            digest = _generate(cluster, random.Random(seed_value * 1000 + i), megabytes * _MIB)
            manifest[key] = digest
        rows.append((BIG_TABLE, digest, megabytes * _MIB, dt.datetime.now(dt.timezone.utc)))
    manifest_path.write_text(json.dumps(manifest))
    return rows


def _generate(cluster: Cluster, rng: random.Random, size: int) -> str:
    temp = cluster.root / BIG_TABLE / ".generating"
    temp.parent.mkdir(parents=True, exist_ok=True)
    hasher = hashlib.sha1()
    with open(temp, "wb") as out:
        for _ in range(size // _MIB):
            chunk = rng.randbytes(_MIB)
            hasher.update(chunk)
            out.write(chunk)
    digest = hasher.hexdigest()
    target = cluster.blob_path(BIG_TABLE, digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp.replace(target)
    return digest


def _write(cluster: Cluster, table: str, data: bytes, modified: dt.datetime) -> Row:
    digest = hashlib.sha1(data).hexdigest()
    path = cluster.blob_path(table, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return (table, digest, len(data), modified)


def _record(cluster: Cluster, rows: list[Row]) -> None:
    values = []
    for table, digest, size, modified in rows:
        info = cluster.table(table)
        assert info is not None
        values.append((table, digest, size, cluster.shard_of(info, digest), modified))
    with cluster.db.connection() as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO _crate.blobs VALUES (%s, %s, %s, %s, %s) "
                        "ON CONFLICT DO NOTHING", values)


def _clean(cluster: Cluster, keep: set[tuple[str, str]]) -> None:
    """Remove blob files and directories an earlier run left behind."""
    for table_dir in cluster.root.iterdir():
        if not table_dir.is_dir():
            continue
        if table_dir.name not in cluster.tables:
            shutil.rmtree(table_dir, ignore_errors=True)
            continue
        for path in table_dir.glob("*/*"):
            if (table_dir.name, path.name) not in keep:
                path.unlink(missing_ok=True)


def parse_sizes(value: object) -> tuple[int, ...]:
    """Read ``"12,20,32"`` (or a list) as sizes in MB."""
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value)
    return tuple(int(v) for v in str(value).split(",") if v.strip())

