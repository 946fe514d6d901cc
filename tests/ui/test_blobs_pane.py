"""Pilot tests of the Blobs pane on the stand-in: browse, upload, download, cancel, delete."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerFailed, WorkerState

from console import profiles
from console.clients import Clients
from console.profiles.settings import ProfileSettings
from console.ui.confirm import ConfirmScreen
from console.ui.panes.blobs import BlobsPane
from tests.integration.crate_standin import PASSWORD, StandInCluster, running_standin
from tests.ui.hosts import PaneApp

PROFILE = "blobs-ui"


@pytest.fixture(scope="module")
def standin(local_pg: object) -> Iterator[StandInCluster]:
    with running_standin("ui", big_mb="3,4") as running:
        if PROFILE not in profiles.names():
            profiles.add(PROFILE, ProfileSettings(cratedb=running.settings()))
        profiles.set_secret(PROFILE, "cratedb", "password", PASSWORD)
        yield running


def make_app() -> PaneApp[BlobsPane]:
    return PaneApp(BlobsPane(Clients(profiles.load(PROFILE)), refresh_seconds=None))


async def settle(pilot: Any) -> None:
    for _ in range(40):
        await pilot.pause(0.05)
        if all(w.is_finished for w in pilot.app.workers):
            break
    await pilot.pause()


async def test_tables_and_a_page_of_blobs(standin: StandInCluster) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.pane
        assert set(pane.tables) == {"assets", "firmware"}
        assert pane.table_name == "assets" and len(pane.blobs) == 40
        assert "answered by http://127.0.0.1" in str(pane.query_one("#blobs-status").render())
        pane.table_view.move_cursor(row=1)
        await settle(pilot)
        assert pane.table_name == "firmware" and len(pane.blobs) == 2
        await pilot.press("s")  # digest, descending
        await settle(pilot)
        digests = list(pane.blobs)
        assert digests == sorted(digests, reverse=True)


async def test_upload_then_download_with_progress(standin: StandInCluster,
                                                  tmp_path: Path) -> None:
    source = tmp_path / "up.bin"
    source.write_bytes(bytes(range(256)) * 12_000)
    digest = hashlib.sha1(source.read_bytes()).hexdigest()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.pane
        worker = pane.start_upload("assets", str(source))
        await worker.wait()
        await settle(pilot)
        assert worker.state is WorkerState.SUCCESS
        assert any(digest in str(n.message) for n in app._notifications)
        seen: list[int] = []
        original = pane.transfer.show
        pane.transfer.show = lambda name, p: (seen.append(p.done), original(name, p))  # type: ignore[method-assign]
        worker = pane.start_download("assets", digest, str(tmp_path / "down.bin"))
        await worker.wait()
        await settle(pilot)
        assert (tmp_path / "down.bin").read_bytes() == source.read_bytes()
        assert seen and seen[-1] == source.stat().st_size
        assert any("digest verified" in str(n.message) for n in app._notifications)
        assert not pane.transfer.has_class("-running")


async def test_cancel_a_download(standin: StandInCluster, tmp_path: Path) -> None:
    standin.cluster.faults.chunk_delay = 0.05
    app = make_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            pane = app.pane
            digest = pane.clients.crate().list_blobs("firmware", limit=1)[0].digest
            worker = pane.start_download("firmware", digest, str(tmp_path / "c.bin"))
            await pilot.pause(0.3)
            assert pane.transfer.has_class("-running")
            await pilot.press("x")
            with contextlib.suppress(WorkerFailed):  # failing with Cancelled is the point
                await worker.wait()
            await settle(pilot)
            assert worker.state is WorkerState.ERROR
            assert any("cancelled" in str(n.message) for n in app._notifications)
            assert (tmp_path / "c.bin").stat().st_size < 3 * 2**20
    finally:
        standin.cluster.faults.chunk_delay = 0.0


async def test_a_download_cut_by_a_node_drop_resumes(standin: StandInCluster,
                                                     tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.pane
        digest = pane.clients.crate().list_blobs("firmware", limit=1)[0].digest
        standin.cluster.faults.cut_after = 2**20
        worker = pane.start_download("firmware", digest, str(tmp_path / "r.bin"))
        await worker.wait()
        await settle(pilot)
        assert worker.state is WorkerState.SUCCESS
        assert any("resumed after 1 drop" in str(n.message) for n in app._notifications)


async def test_delete_asks_naming_digest_and_size(standin: StandInCluster,
                                                  tmp_path: Path) -> None:
    (tmp_path / "gone.bin").write_bytes(b"delete me" * 100)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.pane
        done = pane.clients.crate().upload("assets", tmp_path / "gone.bin")
        await pilot.press("r")
        await settle(pilot)
        row = list(pane.blobs).index(done.digest)
        pane.blob_view.focus()
        pane.blob_view.move_cursor(row=row)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert done.digest in app.screen.message and "900 B" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        assert not pane.clients.crate().exists("assets", done.digest)
        assert done.digest not in pane.blobs
