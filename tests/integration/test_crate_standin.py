"""The CrateDB stand-in proven against crate-python itself, and its wire facts by httpx.

crate-python is CrateDB's own client: if it reads the stand-in's replies, the
console's client is tested against the real shapes, not ones both sides share.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import httpx
import pytest
from crate.client import connect
from crate.client.exceptions import DigestNotFoundException, IntegrityError, ProgrammingError

from console.sandbox.cratedb import USERNAME
from tests.integration.crate_standin import PASSWORD, StandInCluster, running_standin

EXAMPLE = b"This is an example."
EXAMPLE_SHA1 = "3ed84790d068ba7ca4fbf8bf737e4a9a368c600f"


@pytest.fixture(scope="module")
def standin(local_pg: object) -> Iterator[StandInCluster]:
    with running_standin("standin") as running:
        yield running


@pytest.fixture(scope="module")
def conn(standin: StandInCluster) -> Iterator[object]:
    connection = connect(standin.urls, username=USERNAME, password=PASSWORD)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def http(standin: StandInCluster) -> Iterator[httpx.Client]:
    with httpx.Client(auth=(USERNAME, PASSWORD), timeout=10) as client:
        yield client


def test_crate_python_reads_node_info_and_typed_rows(conn: object) -> None:
    assert conn.lowest_server_version.major >= 5  # type: ignore[attr-defined]
    cursor = conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("SELECT id, name, installed FROM sensors WHERE site = ? ORDER BY id LIMIT ?",
                   ("dock", 2))
    rows = cursor.fetchall()
    assert [r[1] for r in rows] == ["sensor-002", "sensor-006"]
    assert isinstance(rows[0][2], int)  # a timestamp: epoch milliseconds
    assert [d[0] for d in cursor.description] == ["id", "name", "installed"]


def test_col_types_codes_follow_the_notes(conn: object) -> None:
    reply = conn.client.sql(  # type: ignore[attr-defined]
        "SELECT id, name, location, tags, installed, active FROM sensors LIMIT 1")
    assert reply["col_types"] == [9, 4, 12, [100, 4], 11, 3]
    assert isinstance(reply["rows"][0][4], int)  # epoch milliseconds on the wire
    assert isinstance(reply["rows"][0][2], dict)


def test_bulk_args_attempt_every_row(conn: object) -> None:
    reply = conn.client.sql(  # type: ignore[attr-defined]
        "INSERT INTO readings (sensor_id, ts) VALUES (?, ?)",
        bulk_parameters=[[7, "2020-01-01T00:00:00Z"], [7, "2020-01-01T00:00:00Z"],
                         [8, "2020-01-01T00:00:00Z"]])
    assert [r["rowcount"] for r in reply["results"]] == [1, -2, 1]
    assert "DuplicateKeyException" in reply["results"][1]["error_message"]


def test_duplicate_key_is_an_integrity_error_for_crate_python(conn: object) -> None:
    cursor = conn.cursor()  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        cursor.execute("INSERT INTO sensors (id, name, site, installed, active) "
                       "VALUES (1, 'x', 'y', now(), true)")


@pytest.mark.parametrize(("stmt", "status", "code", "name"), [
    ("SELEC 1", 400, 4000, "SQLParseException"),
    ("SELECT * FROM nosuch", 404, 4041, "RelationUnknown"),
    ("SELECT nope FROM sensors", 404, 4043, "ColumnUnknownException"),
    ("CREATE BLOB TABLE assets", 409, 4093, "RelationAlreadyExists"),
    ("DROP BLOB TABLE nosuch", 404, 4041, "RelationUnknown"),
    ("CREATE BLOB TABLE x WITH (colour = 'red')", 400, 4000, "SQLParseException"),
])
def test_error_envelope_and_status(standin: StandInCluster, http: httpx.Client, stmt: str,
                                   status: int, code: int, name: str) -> None:
    reply = http.post(standin.urls[0] + "/_sql", json={"stmt": stmt})
    assert reply.status_code == status
    assert reply.json()["error"]["code"] == code
    assert reply.json()["error"]["message"].startswith(name + "[")


def test_args_and_bulk_args_together_are_refused(standin: StandInCluster,
                                                 http: httpx.Client) -> None:
    reply = http.post(standin.urls[1] + "/_sql", json={"stmt": "SELECT 1", "args": [],
                                                       "bulk_args": []})
    assert reply.status_code == 400


def test_blob_container_round_trip(conn: object) -> None:
    container = conn.get_blob_container("assets")  # type: ignore[attr-defined]
    assert container.put(io.BytesIO(EXAMPLE)) == EXAMPLE_SHA1
    assert container.put(io.BytesIO(EXAMPLE), digest=EXAMPLE_SHA1) is False  # 409
    assert container.exists(EXAMPLE_SHA1)
    assert b"".join(container.get(EXAMPLE_SHA1)) == EXAMPLE  # 307s followed by crate-python
    assert container.delete(EXAMPLE_SHA1) is True
    assert container.delete(EXAMPLE_SHA1) is False
    with pytest.raises(DigestNotFoundException):
        list(container.get(EXAMPLE_SHA1))


def test_blob_table_listing_through_sys_shards(conn: object) -> None:
    cursor = conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("SELECT table_name, sum(num_docs), sum(size) FROM sys.shards "
                   "WHERE schema_name = 'blob' AND \"primary\" = true GROUP BY table_name "
                   "ORDER BY 1")
    rows = cursor.fetchall()
    assert [r[0] for r in rows] == ["assets", "firmware"]
    assert rows[1][1:] == [2, 5 * 2**20]


def _seeded(standin: StandInCluster, http: httpx.Client) -> tuple[str, int]:
    digest = http.post(standin.urls[0] + "/_sql", json={
        "stmt": "SELECT digest FROM blob.firmware ORDER BY digest LIMIT 1"}).json()["rows"][0][0]
    return digest, standin.holder("firmware", digest)


def test_the_other_node_redirects_get_and_head(standin: StandInCluster,
                                               http: httpx.Client) -> None:
    digest, holder = _seeded(standin, http)
    other = 1 - holder
    for method in ("GET", "HEAD"):
        reply = http.request(method, f"{standin.urls[other]}/_blobs/firmware/{digest}")
        assert reply.status_code == 307
        assert reply.headers["location"] == f"{standin.urls[holder]}/_blobs/firmware/{digest}"


def test_range_rules(standin: StandInCluster, http: httpx.Client) -> None:
    digest, holder = _seeded(standin, http)
    url = f"{standin.urls[holder]}/_blobs/firmware/{digest}"
    whole = http.get(url)
    assert whole.status_code == 200
    assert hashlib.sha1(whole.content).hexdigest() == digest
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["cache-control"] == "max-age=315360000"
    size = len(whole.content)
    part = http.get(url, headers={"range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 10-19/{size}"
    assert part.content == whole.content[10:20]
    tail = http.get(url, headers={"range": f"bytes={size - 5}-"})
    assert tail.content == whole.content[-5:]
    assert http.get(url, headers={"range": f"bytes={size + 1}-"}).status_code == 416
    assert http.get(url, headers={"range": "bytes=-500"}).status_code == 200  # suffix: whole
    assert http.get(url, headers={"range": "bytes=0-1,5-6"}).status_code == 200


def test_blob_statuses(standin: StandInCluster, http: httpx.Client) -> None:
    base = standin.urls[0] + "/_blobs"
    assert http.put(f"{base}/assets/{'0' * 40}", content=b"abc").status_code == 400  # mismatch
    assert http.put(f"{base}/nosuch/{EXAMPLE_SHA1}", content=EXAMPLE).status_code == 404
    assert http.get(f"{base}/assets/{EXAMPLE_SHA1.upper()}").status_code == 404  # not lower
    assert http.get(f"{base}/_assets/{EXAMPLE_SHA1}").status_code == 404
    assert http.post(f"{base}/assets/{EXAMPLE_SHA1}").status_code == 405
    assert http.delete(f"{base}/assets/{'1' * 40}").status_code == 404


def test_plain_put_on_either_node_stores_without_redirect(standin: StandInCluster,
                                                          http: httpx.Client) -> None:
    holder = standin.holder("assets", EXAMPLE_SHA1)
    put = http.put(f"{standin.urls[1 - holder]}/_blobs/assets/{EXAMPLE_SHA1}", content=EXAMPLE)
    assert put.status_code == 201
    expecting = http.put(f"{standin.urls[1 - holder]}/_blobs/assets/{EXAMPLE_SHA1}",
                         content=EXAMPLE, headers={"expect": "100-continue"})
    assert expecting.status_code == 307
    assert http.delete(f"{standin.urls[0]}/_blobs/assets/{EXAMPLE_SHA1}").status_code == 204


def test_wrong_password_is_refused_with_401(standin: StandInCluster) -> None:
    reply = httpx.post(standin.urls[0] + "/_sql", json={"stmt": "SELECT 1"},
                       auth=(USERNAME, "wrong"))
    assert reply.status_code == 401
    assert "password authentication failed" in reply.text
    with pytest.raises(ProgrammingError, match="401"):
        connect(standin.urls, username=USERNAME, password="wrong")
