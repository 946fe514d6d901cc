"""The app shell driven by the pilot: tabs, unconfigured states, `:`, `/`, `?` and profiles."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from console import profiles
from console.clients import Clients
from console.profiles import PostgresSettings, ProfileSettings, locations, ui_state
from console.ui.app import FleetConsole
from console.ui.command_line import CommandLine, parse
from console.ui.filter_bar import FilterBar
from console.ui.help import HelpScreen
from console.ui.profile_picker import ProfilePicker
from console.ui.unconfigured import UnconfiguredPane
from console.ui.workspace import Workspace

SIZE = (80, 24)


@pytest.fixture(scope="module")
def staging() -> str:
    """A remote-style profile with PostgreSQL only, read-only, yellow, with a remapped key."""
    name = "shell-staging"
    if name not in profiles.names():
        profiles.add(name, ProfileSettings(
            color="yellow", read_only=True, description="shell test",
            postgres=PostgresSettings(host="/nonexistent-socket-dir", connect_timeout=1),
            keymap={"filter": "f"},
        ))
    return name


@pytest.fixture(autouse=True)
def opens_on_the_first_tab(staging: str) -> None:
    """Each test starts where a fresh profile does: the tab another test left (SQL, whose
    editor takes every key) is remembered and would be the one opened."""
    ui_state.remember(staging, tab="fleets")


def app_for(name: str) -> FleetConsole:
    return FleetConsole(profiles.load(name), start_services=False)


def badge(app: FleetConsole) -> str:
    return str(app.query_one("#header-badge", Static).render())


def hint(app: FleetConsole, pane_id: str) -> str:
    pane = app.workspace.pane(pane_id)
    assert isinstance(pane, UnconfiguredPane)
    return pane.hint


async def test_missing_section_names_the_setting_to_add(staging: str) -> None:
    """A profile without [ignite] is told which section to add, and in which file."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press("7")
        text = hint(pilot.app, "caches")
        assert "[ignite]" in text
        assert str(locations.settings_file(staging)) in text
        assert pilot.app.workspace.current is pilot.app.workspace.pane("caches")


async def test_local_profile_hint_depends_on_stand_in() -> None:
    """On `local`, a section with a stand-in says `sandbox start`; one without says what to add."""
    with_stand_in = Clients(profiles.load("local")).stand_in_sections()
    async with app_for("local").run_test(size=SIZE) as pilot:
        for spec in pilot.app.specs:
            pane = pilot.app.workspace.pane(spec.pane_id)
            if not isinstance(pane, UnconfiguredPane) or spec.section is None:
                continue
            if pilot.app.profile.service(spec.section) is not None:
                continue  # configured, just not built in this checkout
            if spec.section in with_stand_in:
                assert "sandbox start" in pane.hint
            else:
                assert f"[{spec.section}]" in pane.hint and "settings.toml" in pane.hint


async def test_header_shows_profile_name_colour_and_read_only(staging: str) -> None:
    """The badge names the profile, carries its colour class and says read-only."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        shown = pilot.app.query_one("#header-badge", Static)
        assert staging in badge(pilot.app) and "read-only" in badge(pilot.app)
        assert shown.has_class("-color-yellow")
        assert pilot.app.has_class(f"-env-{staging}")


async def test_number_keys_switch_tabs(staging: str) -> None:
    """Each number key opens its tab, in catalogue order (Escape first leaves an editor)."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        for spec in pilot.app.specs[:8]:
            await pilot.press("escape", spec.key)
            assert pilot.app.workspace.tabs.active == f"tab-{spec.pane_id}"


@pytest.mark.parametrize(
    ("typed", "pane_id"),
    [(":caches", "caches"), (":db", "databases"), (":Blobs", "blobs"), (":4", "jobs")],
)
async def test_command_line_routes_to_panes(staging: str, typed: str, pane_id: str) -> None:
    """`:name` opens the pane named by id, alias, title or key."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press(*typed, "enter")
        await pilot.pause()
        assert pilot.app.workspace.tabs.active == f"tab-{pane_id}"
        assert not pilot.app.query_one(CommandLine).display


async def test_unknown_command_warns_and_keeps_the_pane(staging: str) -> None:
    """An unknown command is a warning, not a crash; the current tab stays."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        before = pilot.app.workspace.tabs.active
        await pilot.press(*":nonsense", "enter")
        await pilot.pause()
        assert pilot.app.workspace.tabs.active == before
        assert any("nonsense" in n.message for n in pilot.app._notifications)


async def test_command_passes_arguments_to_the_pane(staging: str) -> None:
    """`:caches x=1` reaches the pane's run_command (the unconfigured state warns it takes none)."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press(*":caches x=1", "enter")
        await pilot.pause()
        assert any("takes no arguments" in n.message for n in pilot.app._notifications)


async def test_profile_name_with_a_dot_is_a_valid_env_class() -> None:
    """A profile called `prod.eu` opens (its env class is `-env-prod-eu`)."""
    if "prod.eu" not in profiles.names():
        profiles.add("prod.eu", ProfileSettings(color="red"))
    async with app_for("prod.eu").run_test(size=SIZE) as pilot:
        assert pilot.app.has_class("-env-prod-eu")
        assert "prod.eu" in badge(pilot.app)


def test_parse_splits_name_and_arguments() -> None:
    """`:jobs state=FAILED` splits into a lower-cased name and its arguments."""
    command = parse(":Jobs  state=FAILED site=a")
    assert command is not None
    assert (command.name, command.args) == ("jobs", "state=FAILED site=a")
    assert parse(":   ") is None


async def test_filter_goes_to_the_current_pane(staging: str) -> None:
    """`/` (remapped to `f` by the profile's keymap) sends the text to the current pane."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press("7", "f")
        bar = pilot.app.query_one(FilterBar)
        assert bar.display and bar.has_focus
        await pilot.press("x", "enter")
        await pilot.pause()
        assert not bar.display
        assert any("no table to filter" in n.message for n in pilot.app._notifications)


async def test_help_lists_the_keys(staging: str) -> None:
    """`?` lists the global keys with what they do, and Escape closes it."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen.query_one(DataTable)
        actions = [table.get_row_at(i)[1] for i in range(table.row_count)]
        assert "Filter" in actions and "Profile" in actions
        keys = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert "f" in keys  # the profile's keymap shows, not the default `/`
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_help_lists_the_current_panes_keys(staging: str) -> None:
    """`?` on a pane adds that pane's own keys to the global ones."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press("escape", "5", "question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen.query_one(DataTable)
        rows = {table.get_row_at(i)[1]: table.get_row_at(i)[0] for i in range(table.row_count)}
        assert rows.get("Drop") == "d, del" and rows.get("Rename") == "r"  # the Databases pane's
        assert "Filter" in rows  # and still the global ones
        await pilot.press("escape", "escape", "6")
        await pilot.pause()
        await pilot.press("f1")  # `?` would be typed into the editor; F1 works while typing
        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen.query_one(DataTable)
        actions = [table.get_row_at(i)[1] for i in range(table.row_count)]
        assert "Drop" not in actions and "Run all" in actions  # now the SQL pane's


async def test_profile_picker_switches_environment(staging: str) -> None:
    """One key opens the picker; choosing a profile reopens the console on it."""
    async with app_for("local").run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(pilot.app.screen, ProfilePicker)
        names = [c.name for c in pilot.app.screen.choices]
        await pilot.press(*["down"] * (names.index(staging) - names.index("local")), "enter")
        await pilot.pause()
        assert pilot.app.profile.name == staging
        assert staging in badge(pilot.app)
        assert pilot.app.has_class(f"-env-{staging}") and not pilot.app.has_class("-env-local")
        assert pilot.app.workspace.pane("caches").profile.name == staging


async def test_unknown_profile_leaves_the_console_as_it_was() -> None:
    """`:profile nope` reports the unknown profile and keeps the current one."""
    async with app_for("local").run_test(size=SIZE) as pilot:
        await pilot.press(*":profile nope", "enter")
        await pilot.pause()
        assert pilot.app.profile.name == "local"
        assert any("nope" in n.message for n in pilot.app._notifications)


async def test_palette_offers_every_pane(staging: str) -> None:
    """The command palette can open every tab."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        titles = {c.title for c in pilot.app.get_system_commands(pilot.app.screen)}
        assert {f"Go to {s.title}" for s in pilot.app.specs} <= titles


async def test_sandbox_profile_starts_its_services_in_a_worker() -> None:
    """A sandbox profile starts its local services without blocking, saying so in the header;
    once they run, the tabs they serve show their panes instead of the hint."""
    name = "shell-sbx"
    if name not in profiles.names():
        profiles.add(name, ProfileSettings(color="cyan", sandbox=True,
                                           postgres=PostgresSettings(embedded=True)))
    app = FleetConsole(profiles.load(name))
    async with app.run_test(size=SIZE) as pilot:
        status = pilot.app.query_one("#header-status", Static)
        assert "starting local services" in str(status.render())
        await pilot.pause()  # they start once the first frame is drawn
        worker = next(w for w in pilot.app.workers if w.group == "services")
        await worker.wait()
        await pilot.pause()
        assert any(n.title == name and "running" in n.message for n in pilot.app._notifications)
        assert "starting" not in str(status.render())
        served = pilot.app.clients.stand_in_sections()
        for spec in pilot.app.specs:
            if spec.section in served and spec.pane_id in pilot.app.found.classes:
                assert not isinstance(pilot.app.workspace.pane(spec.pane_id), UnconfiguredPane)


async def test_panes_are_built_when_first_opened(staging: str) -> None:
    """The first frame holds only the first pane; another is built when its tab is opened."""
    from console.ui.workspace import PendingPane

    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.pause()
        workspace = pilot.app.workspace
        pending = [s.pane_id for s in pilot.app.specs
                   if isinstance(workspace.pane(s.pane_id), PendingPane)]
        assert workspace.current is not None
        assert not isinstance(workspace.current, PendingPane)
        assert pending, "every other configured pane waits to be opened"
        opened = await workspace.open(pending[0])
        assert not isinstance(opened, PendingPane)
        assert workspace.pane(pending[0]) is opened


async def test_q_quits_outside_a_text_field_but_types_inside_one(staging: str) -> None:
    """`q` on a table leaves the console; in the `:` line it is just a letter."""
    app = app_for(staging)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", "q")
        assert pilot.app.query_one(CommandLine).value == "q"
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_filter_bar_belongs_to_its_pane(staging: str) -> None:
    """A `/` filter opened on one pane closes when another comes to the front, and comes back
    with that pane's own text when `/` is pressed there again."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        bar = pilot.app.query_one(FilterBar)
        await pilot.press("escape", "5", "f")  # the staging keymap moves / to f
        await pilot.press(*"post")
        assert bar.display and bar.value == "post"
        await pilot.press("enter")
        await pilot.press("escape", "6")
        await pilot.pause()
        assert not bar.display
        await pilot.press("escape", "5")
        await pilot.pause()
        assert not bar.display
        await pilot.press("f")
        assert bar.display and bar.value == "post"
        await pilot.press("escape")  # Escape clears the filter and closes the bar
        assert not bar.display and bar.value == ""


async def test_palette_lists_the_current_panes_actions_with_their_keys(staging: str) -> None:
    """ctrl+p finds the Databases pane's own actions by name, each naming its key."""
    app = app_for(staging)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "5")
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert "Drop" in commands and "key d" in commands["Drop"]
        assert "Rename" in commands and "Quit" in commands
        assert "Go to SQL" in commands


async def test_help_groups_keys_by_purpose_and_lists_the_basics(staging: str) -> None:
    """`?` shows Basics (Enter, ctrl+p, q) first, then the pane's keys under purpose headings
    (in the Action column: a heading in the Key column made it 30 cells wide, and the
    descriptions ran off the edge at 80 columns)."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press("escape", "5", "question_mark")
        table = pilot.app.screen.query_one(DataTable)
        second = [table.get_row_at(i)[1] for i in range(table.row_count)]
        headings = [cell for cell in second if cell.startswith("— ")]
        assert headings[0] == "— Basics —"
        assert "— Change —" in headings and "— Everywhere —" in headings
        assert "Keys: Databases" in str(pilot.app.screen.query_one(Static).render())
        actions = [table.get_row_at(i)[1] for i in range(table.row_count)]
        assert {"Open", "Palette", "Quit"} <= set(actions)


async def test_the_console_opens_on_tab_one_then_on_the_tab_last_used() -> None:
    """A fresh profile opens on the first tab (even unconfigured); leaving on SQL, the next
    start opens there."""
    name = "shell-reopen"
    profiles.add(name, ProfileSettings(
        postgres=PostgresSettings(host="/nonexistent-socket-dir", connect_timeout=1)))
    async with app_for(name).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.workspace.tabs.active == f"tab-{pilot.app.specs[0].pane_id}"
        await pilot.press("6")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    async with app_for(name).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.workspace.tabs.active == "tab-sql"


async def test_a_filter_reopened_before_its_close_arrives_keeps_the_keys(staging: str) -> None:
    """`/` right after Escape: the bar's late "closed" must not hand the keys to the table."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        bar = pilot.app.query_one(FilterBar)
        await pilot.press("5", "f")
        bar._close()  # Escape: its Closed message is still in the queue…
        pilot.app.action_filter()  # …when the operator's next `/` opens the bar again
        await pilot.pause()
        assert bar.display and bar.has_focus


async def test_a_tab_chosen_while_services_start_stays_chosen(
        staging: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The panes replaced once the local services run must not take the operator back."""
    async with app_for(staging).run_test(size=SIZE) as pilot:
        await pilot.press("5")

        async def operator_moves_on(workspace: Workspace) -> list[str]:
            workspace.show("caches")  # a key pressed while the panes were being replaced
            return []

        monkeypatch.setattr(Workspace, "refresh_unconfigured", operator_moves_on)
        await pilot.app._services_started()
        await pilot.pause()
        assert pilot.app.workspace.current is pilot.app.workspace.pane("caches")
        await pilot.press("colon")
        await pilot.app._services_started()  # and the `:` line keeps the keys it was given
        assert pilot.app.query_one(CommandLine).has_focus


async def test_keys_typed_during_a_profile_switch_do_not_go_to_the_tabs_left() -> None:
    """The editor of the profile being left is hidden: it must not keep the focus (a `q`
    typed then would land in its buffer instead of quitting)."""
    # profiles of its own: the SQL tab it leaves open is remembered as the one to open on
    staging, other = "shell-switch-from", "shell-switch-to"
    for name in (staging, other):
        if name not in profiles.names():
            profiles.add(name, ProfileSettings(color="green", postgres=PostgresSettings(
                host="/nonexistent-socket-dir", connect_timeout=1)))
    focus_when_building: list[object] = []

    class Console(FleetConsole):
        def _workspace(self) -> Workspace:
            if self._current is not None:
                focus_when_building.append(self.focused)
            return super()._workspace()

    async with Console(profiles.load(staging), start_services=False).run_test(
            size=SIZE) as pilot:
        pane = await pilot.app.workspace.open("sql")
        await pilot.pause()
        assert pilot.app.focused is not None and pane in pilot.app.focused.ancestors
        await pilot.app.switch_profile(other)
        await pilot.pause()
        assert focus_when_building == [None]
        assert pilot.app.profile.name == other


async def test_a_key_typed_before_the_pane_has_the_focus_back_is_not_lost(staging: str) -> None:
    """Escape closes the `:` line; a `q` that arrives before the pane takes the focus back
    quits instead of going into the hidden line."""
    app = app_for(staging)
    async with app.run_test(size=SIZE) as pilot:
        line = pilot.app.query_one(CommandLine)
        await pilot.press("colon", "x")
        line.action_close()  # Escape: the pane gets the focus back only once Closed arrives
        assert pilot.app.focused is not line and not line.display
        await pilot.press("q")
        await pilot.pause()
        assert line.value == "x"
    assert app.return_code == 0 and not app.is_running
