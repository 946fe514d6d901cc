"""Themes in the running console: --theme, the palette's pick remembered per profile,
the SQL editor following the theme, and a usable monochrome app under NO_COLOR."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from console import cli as cli_module
from console import profiles
from console.profiles import ProfileSettings, locations
from console.ui import app as app_module
from console.ui.app import FleetConsole
from console.ui.sql.editor import SqlEditor
from console.ui.themes.editor import role_colors
from tests.pilot import settle, wait_for

SIZE = (100, 30)


def make_profile(name: str, **settings: Any) -> str:
    if name in profiles.names():
        profiles.remove(name)
    profiles.add(name, ProfileSettings(**settings))
    return name


@pytest.fixture
def lit() -> str:
    """A profile that remembers the light theme."""
    return make_profile("themes-lit", color="red", theme="fleet-light")


@pytest.fixture
def plain() -> str:
    """A profile that names no theme."""
    return make_profile("themes-plain", color="cyan")


def console_on(name: str, theme: str | None = None) -> FleetConsole:
    return FleetConsole(profiles.load(name), start_services=False, theme=theme)


def notes(app: App[Any]) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def test_the_profile_theme_is_used(lit: str) -> None:
    async with console_on(lit).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.theme == "fleet-light"


async def test_theme_option_wins_for_the_run_and_is_not_saved(lit: str) -> None:
    async with console_on(lit, "fleet-contrast").run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.theme == "fleet-contrast"
    assert profiles.load(lit).settings.theme == "fleet-light"


async def test_an_unknown_theme_is_reported_and_the_default_used(plain: str) -> None:
    async with console_on(plain, "purple").run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.theme == "fleet-dark"
        assert "unknown theme 'purple' (--theme): using fleet-dark" in notes(pilot.app)


def test_the_cli_option_reaches_the_app(monkeypatch: pytest.MonkeyPatch, lit: str) -> None:
    opened: list[tuple[str, str | None]] = []
    monkeypatch.setattr(app_module, "run_app",
                        lambda profile, theme=None: opened.append((profile.name, theme)))
    result = CliRunner().invoke(cli_module.cli, ["--profile", lit, "--theme", "fleet-solarized"])
    assert result.exit_code == 0, result.output
    assert opened == [(lit, "fleet-solarized")]


async def test_a_theme_picked_in_the_palette_is_remembered_by_the_profile(plain: str) -> None:
    settings = locations.settings_file(plain)
    settings.write_text("# cyan: the test bench\n" + settings.read_text())
    async with console_on(plain, "fleet-contrast").run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"theme", "enter")
        await pilot.pause()
        await pilot.press(*"solarized", "enter")
        await wait_for(pilot, lambda: "fleet-solarized" in settings.read_text())
        assert pilot.app.theme == "fleet-solarized"
    text = settings.read_text()
    assert text.startswith('# cyan: the test bench\ntheme = "fleet-solarized"\n')
    async with console_on(plain).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.theme == "fleet-solarized"


async def test_each_profile_shows_its_own_theme(lit: str, plain: str) -> None:
    async with console_on(plain).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, FleetConsole)
        await app.switch_profile(lit)
        await settle(pilot)
        assert app.theme == "fleet-light"
        await app.switch_profile(plain)
        await settle(pilot)
        assert app.theme == "fleet-dark"
    assert profiles.load(plain).settings.theme is None, "switching profiles saves nothing"


class EditorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SqlEditor("select 1 -- one\n", id="sql-editor")


async def test_the_sql_editor_follows_the_app_theme() -> None:
    app = EditorApp()
    for theme in themes_loaded():
        app.register_theme(theme)
    async with app.run_test(size=(60, 10)) as pilot:
        editor = app.query_one(SqlEditor)
        editor.cursor_location = (1, 0)  # off the keyword, so it is drawn in one piece
        for name in ("fleet-dark", "fleet-light", "fleet-solarized"):
            app.theme = name
            await pilot.pause()
            assert editor.theme == f"fleet-sql-{name}"
            drawn = {seg.text: seg.style for seg in editor.render_line(0) if seg.text.strip()}
            keyword = drawn["select"]
            assert keyword is not None and keyword.color is not None
            assert keyword.color.triplet is not None
            expected = role_colors(app.current_theme)["keyword"]
            assert keyword.color.triplet.hex.lower() == expected.hex.lower()


def themes_loaded() -> list[Any]:
    from console.ui import themes

    return themes.load_themes().themes


class TestNoColor:
    """conftest.py runs every test with NO_COLOR set, as an operator's shell may."""

    async def test_profile_is_named_with_its_colour_and_reversed(self, lit: str) -> None:
        async with console_on(lit).run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert pilot.app.no_color
            badge = pilot.app.query_one("#header-badge", Static)
            assert str(badge.render()).strip() == f"● {lit} · red"
            assert badge.styles.text_style.reverse and badge.styles.text_style.bold

    async def test_the_focused_cursor_row_is_reversed(self, plain: str) -> None:
        async with console_on(plain).run_test(size=SIZE) as pilot:
            table, other = DataTable[str](), DataTable[str]()
            await pilot.app.screen.mount(table, other)
            table.focus()
            await pilot.pause()
            cursor = table.get_component_styles("datatable--cursor").text_style
            assert cursor.reverse and cursor.bold
            blurred = other.get_component_styles("datatable--cursor").text_style
            assert blurred.underline and not blurred.reverse

    async def test_with_colour_the_badge_is_not_reversed(
        self, lit: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("NO_COLOR")
        async with console_on(lit).run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert not pilot.app.no_color
            badge = pilot.app.query_one("#header-badge", Static)
            assert str(badge.render()).strip() == f"● {lit}"
            assert not badge.styles.text_style.reverse
