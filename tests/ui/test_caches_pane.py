"""The Caches pane against the three-node stand-in: browse, lookup, put, edit, remove,
create, destroy, and a node going down while the pane keeps working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from console.backends.ignite import IgniteClient, typed
from console.clients import Clients
from console.profiles import Profile, ProfileSettings
from console.ui.caches.dialogs import (
    CreateCacheScreen,
    DestroyCacheScreen,
    LookupScreen,
    PutEntryScreen,
)
from console.ui.confirm import ConfirmScreen
from console.ui.panes.caches import CachesPane
from tests.integration import ignite_fixtures
from tests.integration.ignite_fixtures import Cluster
from tests.pilot import settle
from tests.ui.hosts import PaneApp

cluster = ignite_fixtures.cluster  # the module-scoped stand-in


@pytest.fixture
def client(cluster: Cluster) -> Iterator[IgniteClient]:
    with cluster.client() as made:
        yield made


def make_pane(client: IgniteClient, tmp_path: Path) -> CachesPane:
    profile = Profile("uitest", ProfileSettings(), tmp_path)
    return CachesPane(Clients(profile, ignite=client), refresh_seconds=None)


def status(pane: CachesPane) -> str:
    return str(pane.query_one("#caches-status").render())


def nodes_line(pane: CachesPane) -> str:
    return str(pane.query_one("#caches-nodes").render())


async def open_cache(pilot: Pilot[Any], pane: CachesPane, name: str) -> None:
    pane.table.move_cursor(row=pane.table.get_row_index(name))
    await pilot.press("enter")
    await settle(pilot)


async def test_lists_caches_with_size_mode_and_backups(client: IgniteClient,
                                                       tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert pane.table.get_row("telemetry") == ["telemetry", "3,000", "partitioned", "1",
                                                   "atomic"]
        assert pane.table.get_row("greetings")[2:4] == ["replicated", "0"]
        assert "cluster active" in status(pane) and "3/3 nodes up" in status(pane)
        assert nodes_line(pane).count(" up") == 3 and "*" in nodes_line(pane)


async def test_browse_pages_filter_and_value_tree(client: IgniteClient, tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_cache(pilot, pane, "telemetry")
        assert len(pane.entries) == 200 and "more below" in status(pane)
        pane.action_more()
        await settle(pilot)
        assert len(pane.entries) == 400
        pane.apply_filter("199")
        await pilot.pause()
        assert {pane.entry_table.get_row(k)[0] for k in
                (r.value for r in pane.entry_table.rows)} == {"199"}
        assert "match '199'" in status(pane)
        assert pane.value_tree.root.children  # the JSON value shows as a tree
        labels = [str(n.label) for n in pane.value_tree.root.children]
        assert any(label.startswith("device:") for label in labels)


async def test_complex_value_shows_as_field_tree(client: IgniteClient, tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_cache(pilot, pane, "people")
        assert pane.entry_table.get_row("0")[1] == "Person"
        labels = [str(n.label) for n in pane.value_tree.root.children]
        assert "address" in labels and any(label.startswith("email:") for label in labels)


async def test_lookup_by_typed_key(client: IgniteClient, tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_cache(pilot, pane, "people")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(pilot.app.screen, LookupScreen)
        await pilot.press(*"42", "enter")
        await settle(pilot)
        entry = pane.current_entry()
        assert entry is not None and entry.key == 42  # auto: tried as Long, found as Int
        await pilot.press("l")
        await settle(pilot)
        pilot.app.screen.query_one("#lookup-type", Select).value = "string"
        await pilot.press(*"42", "enter")
        await settle(pilot)
        assert pane.current_entry().key == 42  # type: ignore[union-attr]  # cursor stayed


async def test_put_then_edit_then_remove(client: IgniteClient, tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_cache(pilot, pane, "greetings")
        await pilot.press("p")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, PutEntryScreen)
        dialog.query_one("#put-key", Input).value = "sv"
        dialog.query_one("#put-value", Input).value = "Hej"
        await pilot.click("#put-save")
        await settle(pilot)
        assert client.get("greetings", typed("sv")).value == "Hej"  # type: ignore[union-attr]
        assert pane.current_entry().key == "sv"  # type: ignore[union-attr]
        await pilot.press("e")
        await settle(pilot)
        edit = pilot.app.screen
        assert isinstance(edit, PutEntryScreen) and edit.query_one("#put-key", Input).disabled
        edit.query_one("#put-value", Input).value = "Hallå"
        await pilot.click("#put-save")
        await settle(pilot)
        assert client.get("greetings", typed("sv")).value == "Hallå"  # type: ignore[union-attr]
        await pilot.press("d")
        await settle(pilot)
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen) and "'sv'" in confirm.message
        await pilot.press("y")
        await settle(pilot)
        assert client.get("greetings", typed("sv")) is None


async def test_a_bad_value_stays_in_the_dialog(client: IgniteClient, tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_cache(pilot, pane, "greetings")
        await pilot.press("p")
        await settle(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#put-key", Input).value = "n"
        dialog.query_one("#put-value", Input).value = "twelve"
        dialog.query_one("#put-value-type", Select).value = "long"
        await pilot.click("#put-save")
        await settle(pilot)
        assert pilot.app.screen is dialog
        assert "'twelve' is not a long" in str(dialog.query_one(".dialog--error").render())
        assert client.get("greetings", typed("n")) is None


async def test_create_and_destroy_by_typing_the_name(client: IgniteClient,
                                                     tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, CreateCacheScreen)
        dialog.query_one("#create-name", Input).value = "ui-made"
        dialog.query_one("#create-mode", Select).value = "replicated"
        dialog.query_one("#create-backups", Input).value = "2"
        await pilot.click("#create-save")
        await settle(pilot)
        assert pane.table.get_row("ui-made")[2:4] == ["replicated", "2"]
        pane.table.move_cursor(row=pane.table.get_row_index("ui-made"))
        await pilot.press("x")
        await settle(pilot)
        destroy = pilot.app.screen
        assert isinstance(destroy, DestroyCacheScreen)
        await pilot.press(*"ui-mad", "enter")  # a wrong name destroys nothing
        await settle(pilot)
        assert pilot.app.screen is destroy and "ui-made" in client.cache_names()
        destroy.query_one(Input).value = "ui-made"
        await pilot.press("enter")
        await settle(pilot)
        assert "ui-made" not in client.cache_names()
        assert "ui-made" not in {row.value for row in pane.table.rows}


async def test_a_node_down_is_shown_and_the_pane_keeps_working(client: IgniteClient,
                                                               cluster: Cluster,
                                                               tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        with cluster.stopped(1):
            await pilot.press("r")
            await settle(pilot)
            assert f"{cluster.addresses[1]} DOWN" in nodes_line(pane)
            assert "2/3 nodes up" in status(pane)
            await open_cache(pilot, pane, "greetings")
            assert len(pane.entries) == 8


async def test_a_scan_cut_by_a_dead_node_says_incomplete(client: IgniteClient, cluster: Cluster,
                                                         tmp_path: Path) -> None:
    pane = make_pane(client, tmp_path)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_cache(pilot, pane, "telemetry")
        holder = cluster.addresses.index(pane._scan.node)  # type: ignore[union-attr,arg-type]
        with cluster.stopped(holder):
            pane.action_more()
            await settle(pilot)
            assert "INCOMPLETE" in status(pane) and cluster.addresses[holder] in status(pane)
            assert len(pane.entries) == 200


def test_every_caches_binding_has_an_id_and_a_tooltip() -> None:
    """A profile keymap can remap each key, and `?` can say what it does."""
    from textual.binding import BindingsMap

    from console.ui.widgets.saving_form import SavingForm

    for cls, prefix in ((CachesPane, "caches-"), (SavingForm, "form-")):
        bindings = [b for bs in BindingsMap(cls.__dict__["BINDINGS"]).key_to_bindings.values()
                    for b in bs]
        assert bindings
        for binding in bindings:
            assert binding.id and binding.id.startswith(prefix) and binding.tooltip
