"""``CrateClient`` against the two-node stand-in: SQL, blob tables, blobs, bad input, refusals."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from console import profiles
from console.backends.crate import CrateClient
from console.errors import AuthError, BadQuery, Conflict, NotFound, ReadOnlyRefused
from console.profiles import audit
from console.profiles.settings import ProfileSettings
from tests.integration.crate_standin import PASSWORD, StandInCluster, running_standin


@pytest.fixture(scope="module")
def standin(local_pg: object) -> Iterator[StandInCluster]:
    with running_standin("client") as running:
        yield running


@pytest.fixture(scope="module")
def client(standin: StandInCluster) -> Iterator[CrateClient]:
    made = CrateClient(standin.settings(), PASSWORD)
    yield made
    made.close()


def _profile(name: str, standin: StandInCluster, *, read_only: bool = False) -> CrateClient:
    if name not in profiles.names():
        profiles.add(name, ProfileSettings(read_only=read_only, cratedb=standin.settings()))
        profiles.set_secret(name, "cratedb", "password", PASSWORD)
    return CrateClient.from_profile(profiles.load(name))


def test_typed_columns(client: CrateClient) -> None:
    result = client.sql("SELECT id, location, tags, installed, active FROM sensors "
                        "WHERE id = ?", [3])
    assert [c.type_name for c in result.columns] == [
        "integer", "json", "text[]", "timestamp with time zone", "boolean"]
    (row,) = result.rows
    assert row[3] == dt.datetime(2026, 1, 12, 12, 0, tzinfo=dt.timezone.utc)
    assert row[1]["floor"] == 0 and row[2] == ["v1", "indoor"]
    assert result.rowcount == 1
    assert result.server in {u for u in client.settings.nodes}


def test_the_answering_node_rotates(client: CrateClient, standin: StandInCluster) -> None:
    answered = {client.sql("SELECT 1").server for _ in range(4)}
    assert answered == set(standin.urls)


def test_bulk_args_and_rowcount_sentinels(client: CrateClient) -> None:
    result = client.sql("INSERT INTO readings (sensor_id, ts) VALUES (?, ?)", bulk_args=[
        [11, "2021-01-01T00:00:00Z"], [11, "2021-01-01T00:00:00Z"]])
    assert [b.rowcount for b in result.bulk] == [1, None]
    assert "DuplicateKeyException" in (result.bulk[1].error or "")
    assert result.rowcount == 1


def test_bad_sql_carries_cratedb_message_and_position(client: CrateClient) -> None:
    with pytest.raises(BadQuery) as caught:
        client.sql("SELECT FROM WHERE")
    assert "SQLParseException" in caught.value.message
    assert caught.value.position is not None


def test_unknown_table_is_not_found(client: CrateClient) -> None:
    with pytest.raises(NotFound, match="RelationUnknown"):
        client.sql("SELECT * FROM nosuch")


def test_blob_tables_with_counts_and_sizes(client: CrateClient) -> None:
    tables = {t.name: t for t in client.blob_tables()}
    assert tables["firmware"].blobs == 2
    assert tables["firmware"].size == 5 * 2**20
    assert tables["firmware"].shards == 3 and tables["firmware"].replicas == "1"
    assert tables["assets"].blobs >= 40


def test_create_and_drop_blob_table(client: CrateClient) -> None:
    client.create_blob_table("scratch", shards=2, replicas="0-1")
    with pytest.raises(Conflict):
        client.create_blob_table("scratch")
    made = {t.name: t for t in client.blob_tables()}["scratch"]
    assert (made.shards, made.replicas, made.blobs) == (2, "0-1", 0)
    client.drop_blob_table("scratch")
    assert "scratch" not in {t.name for t in client.blob_tables()}
    with pytest.raises(NotFound):
        client.drop_blob_table("scratch")


@pytest.mark.parametrize("name", ["Upper", "_hidden", "a/b", "", "sp ace"])
def test_bad_table_names_are_refused_before_sending(client: CrateClient, name: str) -> None:
    with pytest.raises(BadQuery, match="cannot name a blob table"):
        client.create_blob_table(name)


def test_list_blobs_in_pages_with_sizes(client: CrateClient) -> None:
    first = client.list_blobs("assets", limit=10)
    second = client.list_blobs("assets", limit=10, offset=10)
    assert len(first) == len(second) == 10
    assert [b.digest for b in first] == sorted(b.digest for b in first)
    assert first[-1].digest < second[0].digest
    assert all(b.size and b.size > 0 for b in first)
    newest = client.list_blobs("assets", limit=3, order="modified", descending=True)
    assert newest[0].modified and newest[0].modified >= newest[1].modified  # type: ignore[operator]
    assert client.count_blobs("assets") >= 40


def test_upload_exists_download_delete(client: CrateClient, tmp_path: Path) -> None:
    source = tmp_path / "image.bin"
    source.write_bytes(b"firmware " * 50_000)
    digest = hashlib.sha1(source.read_bytes()).hexdigest()
    seen: list[str] = []
    uploaded = client.upload("assets", source, on_progress=lambda p: seen.append(p.phase))
    assert (uploaded.digest, uploaded.created, uploaded.size) == (digest, True, 450_000)
    assert seen[0] == "hashing" and seen[-1] == "uploading"
    again = client.upload("assets", source)
    assert again.created is False  # reported, not an error
    assert client.exists("assets", digest.upper())
    done = client.download("assets", digest, tmp_path)
    assert done.path.read_bytes() == source.read_bytes()
    client.delete("assets", digest)
    assert not client.exists("assets", digest)
    with pytest.raises(NotFound):
        client.delete("assets", digest)


def test_upload_bad_input(client: CrateClient, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no file"):
        client.upload("assets", tmp_path / "missing.bin")
    with pytest.raises(BadQuery, match="is a directory"):
        client.upload("assets", tmp_path)
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(BadQuery, match="is empty"):
        client.upload("assets", tmp_path / "empty")
    (tmp_path / "x").write_bytes(b"x")
    with pytest.raises(NotFound):
        client.upload("nosuch", tmp_path / "x")


@pytest.mark.parametrize("digest", ["abc", "z" * 40, "0" * 41, ""])
def test_digests_that_are_not_40_hex_are_refused(client: CrateClient, tmp_path: Path,
                                                 digest: str) -> None:
    with pytest.raises(BadQuery, match="not a blob digest"):
        client.download("assets", digest, tmp_path)
    with pytest.raises(BadQuery, match="not a blob digest"):
        client.exists("assets", digest)


def test_unknown_blob_and_table_on_download(client: CrateClient, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no blob"):
        client.download("assets", "0" * 40, tmp_path)
    with pytest.raises(NotFound):
        client.list_blobs("nosuch")


def test_wrong_credentials(standin: StandInCluster) -> None:
    wrong = CrateClient(standin.settings(), "not-the-password")
    with pytest.raises(AuthError) as caught:
        wrong.sql("SELECT 1")
    assert "not-the-password" not in str(caught.value)
    with pytest.raises(AuthError):
        wrong.download("assets", "0" * 40, "/tmp")
    wrong.close()


def test_read_only_profile_refuses_every_write_and_audits(standin: StandInCluster,
                                                          tmp_path: Path) -> None:
    client = _profile("crate-ro", standin, read_only=True)
    (tmp_path / "f").write_bytes(b"data")
    before = client.count_blobs("assets")
    for write in (lambda: client.create_blob_table("nope"),
                  lambda: client.drop_blob_table("assets"),
                  lambda: client.upload("assets", tmp_path / "f"),
                  lambda: client.delete("assets", "0" * 40),
                  lambda: client.sql("DELETE FROM readings")):
        with pytest.raises(ReadOnlyRefused):
            write()
    assert client.count_blobs("assets") == before
    assert client.sql("SELECT count(*) FROM readings").rows[0][0] > 0
    outcomes = [e.outcome for e in audit.read("crate-ro")]
    assert len(outcomes) == 5 and all(o.startswith("refused") for o in outcomes)
    client.close()


def test_writes_are_audited(standin: StandInCluster, tmp_path: Path) -> None:
    client = _profile("crate-rw", standin)
    (tmp_path / "f").write_bytes(b"audited bytes")
    done = client.upload("assets", tmp_path / "f")
    client.delete("assets", done.digest)
    with pytest.raises(NotFound):
        client.delete("assets", done.digest)
    entries = [(e.action, e.outcome[:6]) for e in audit.read("crate-rw")]
    assert entries == [("blobs.put", "ok"), ("blobs.delete", "ok"),
                       ("blobs.delete", "failed")]
    client.close()
