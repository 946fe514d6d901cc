"""Blob transfers under faults: cut streams resumed, 307 followed, nodes stopped, big files."""

from __future__ import annotations

import hashlib
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.backends.crate import CrateClient, Progress
from console.errors import Cancelled, ConsoleError, Unavailable
from tests.integration.crate_standin import PASSWORD, StandInCluster, running_standin

MIB = 1 << 20


@pytest.fixture(scope="module")
def standin(local_pg: object) -> Iterator[StandInCluster]:
    with running_standin("transfers", big_mb="3,4") as running:
        yield running


@pytest.fixture
def client(standin: StandInCluster) -> Iterator[CrateClient]:
    standin.cluster.faults.cut_after = None
    made = CrateClient(standin.settings(retry_interval=1.0), PASSWORD)
    yield made
    made.close()


def _big(client: CrateClient) -> tuple[str, int]:
    digest = client.sql("SELECT digest FROM blob.firmware ORDER BY digest LIMIT 1").rows[0][0]
    size = client.size_of("firmware", digest) or 0
    return digest, size


def _sha1(path: Path) -> str:
    hasher = hashlib.sha1()
    with open(path, "rb") as handle:
        while chunk := handle.read(MIB):
            hasher.update(chunk)
    return hasher.hexdigest()


def test_a_cut_download_resumes_by_range(client: CrateClient, standin: StandInCluster,
                                         tmp_path: Path) -> None:
    digest, size = _big(client)
    standin.cluster.faults.cut_after = size // 3
    seen: list[Progress] = []
    done = client.download("firmware", digest, tmp_path / "fw.bin", on_progress=seen.append)
    assert done.retries == 1
    assert _sha1(done.path) == digest and done.path.stat().st_size == size
    assert seen[-1].resumed == 1 and seen[-1].done == size


def test_a_partial_file_is_resumed(client: CrateClient, tmp_path: Path) -> None:
    digest, size = _big(client)
    target = tmp_path / "part.bin"
    client.download("firmware", digest, target)
    with open(target, "r+b") as handle:
        handle.truncate(size // 2)
    done = client.download("firmware", digest, target)
    assert done.resumed_from == size // 2
    assert _sha1(target) == digest


def test_a_foreign_partial_file_fails_the_digest_check(client: CrateClient,
                                                       tmp_path: Path) -> None:
    digest, _ = _big(client)
    target = tmp_path / "other.bin"
    target.write_bytes(b"not the start of this blob")
    with pytest.raises(ConsoleError, match="does not match blob") as caught:
        client.download("firmware", digest, target)
    assert caught.value.title == "Digest mismatch"


def test_download_from_the_other_node_follows_307(client: CrateClient,
                                                  standin: StandInCluster,
                                                  tmp_path: Path) -> None:
    digest, _ = _big(client)
    holder = standin.holder("firmware", digest)
    only_other = CrateClient(standin.settings(nodes=[standin.urls[1 - holder]]), PASSWORD)
    done = only_other.download("firmware", digest, tmp_path)
    assert done.server == standin.urls[holder]  # learnt from the Location header
    assert standin.urls[holder] in {n.url for n in only_other.nodes()}
    only_other.close()


def test_cancel_keeps_the_partial_file_for_later(client: CrateClient, tmp_path: Path) -> None:
    digest, size = _big(client)
    stop = threading.Event()

    def halfway(progress: Progress) -> None:
        if progress.phase == "downloading" and progress.done >= size // 2:
            stop.set()

    with pytest.raises(Cancelled, match="cancelled"):
        client.download("firmware", digest, tmp_path / "c.bin", on_progress=halfway, cancel=stop)
    kept = (tmp_path / "c.bin").stat().st_size
    assert 0 < kept < size
    assert client.download("firmware", digest, tmp_path / "c.bin").resumed_from == kept


def test_a_stopped_node_mid_download_hands_over_to_the_other(
        client: CrateClient, standin: StandInCluster, tmp_path: Path) -> None:
    digest, _ = _big(client)
    holder = standin.holder("firmware", digest)
    stopped = threading.Event()

    def stop_holder(progress: Progress) -> None:
        if progress.phase == "downloading" and progress.done >= MIB and not stopped.is_set():
            stopped.set()
            standin.stop(holder)

    standin.cluster.faults.chunk_delay = 0.02  # so the stop lands mid-body
    try:
        done = client.download("firmware", digest, tmp_path / "n.bin", on_progress=stop_holder)
    finally:
        standin.cluster.faults.chunk_delay = 0.0
        standin.start(holder)
    assert done.retries >= 1
    assert done.server == standin.urls[1 - holder]  # the replica's node took over
    assert _sha1(done.path) == digest


def test_sql_fails_over_when_a_node_is_down(client: CrateClient, standin: StandInCluster) -> None:
    client.sql("SELECT 1")  # connected while both run
    standin.stop(0)
    try:
        answered = {client.sql("SELECT 1").server for _ in range(3)}
    finally:
        standin.start(0)
    assert answered == {standin.urls[1]}


def test_every_node_down_is_a_clear_message(standin: StandInCluster, tmp_path: Path) -> None:
    client = CrateClient(standin.settings(), PASSWORD)
    standin.stop(0)
    standin.stop(1)
    try:
        with pytest.raises(Unavailable, match=r"cannot reach CrateDB|no CrateDB node answered"):
            client.sql("SELECT 1")
        with pytest.raises(Unavailable, match="no CrateDB node answered"):
            client.download("firmware", "0" * 40, tmp_path)
    finally:
        standin.start(0)
        standin.start(1)
        client.close()


def test_a_cluster_block_503_moves_to_the_next_node(client: CrateClient,
                                                    standin: StandInCluster,
                                                    tmp_path: Path) -> None:
    digest, _ = _big(client)
    standin.cluster.faults.sql_unavailable = True
    try:
        with pytest.raises(Unavailable):
            client.sql("SELECT 1")
    finally:
        standin.cluster.faults.sql_unavailable = False
    assert client.download("firmware", digest, tmp_path).path.exists()  # blobs still flow


def _write_random(path: Path, size: int) -> str:
    """Write ``size`` pseudo-random bytes a MiB at a time; return their SHA-1."""
    hasher = hashlib.sha1()
    block = hashlib.sha512(b"seed").digest() * (MIB // 64)
    with open(path, "wb") as out:
        for i in range(size // MIB):
            chunk = i.to_bytes(8, "big") + block[8:]
            hasher.update(chunk)
            out.write(chunk)
    return hasher.hexdigest()


@pytest.mark.slow
def test_100_mb_up_and_down_with_bounded_memory(client: CrateClient, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    digest = _write_random(source, 100 * MIB)
    tracemalloc.start()
    try:
        uploaded = client.upload("assets", source)
        done = client.download("assets", digest, tmp_path / "back.bin")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert uploaded.digest == digest and uploaded.size == 100 * MIB
    assert _sha1(done.path) == digest
    assert peak < 24 * MIB, f"peak {peak / MIB:.1f} MiB"
    client.delete("assets", digest)
