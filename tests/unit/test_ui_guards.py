"""Guards on the UI's own parts: every key can be remapped and explained; no hex colours;
a broken theme file is reported and skipped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from console.ui import themes
from console.ui.app import FleetConsole
from console.ui.command_line import CommandLine
from console.ui.confirm import ConfirmScreen
from console.ui.filter_bar import FilterBar
from console.ui.help import HelpScreen
from console.ui.panes.databases import DatabasesPane
from console.ui.panes.sql import SqlPane
from console.ui.profile_picker import ProfilePicker
from console.ui.sql.editor import SqlEditor
from console.ui.sql.history_screen import HistoryScreen
from console.ui.sql.results import ResultGrid
from console.ui.widgets.prompts import ChoiceScreen, TextPrompt

OURS: list[type[DOMNode]] = [
    FleetConsole, CommandLine, FilterBar, HelpScreen, ProfilePicker, ConfirmScreen, SqlPane,
    DatabasesPane, SqlEditor, ResultGrid, HistoryScreen, ChoiceScreen, TextPrompt,
]


def declared(cls: type[DOMNode]) -> list[Binding]:
    own = cls.__dict__.get("BINDINGS", [])
    return [b for bs in BindingsMap(own).key_to_bindings.values() for b in bs]


@pytest.mark.parametrize("cls", OURS, ids=lambda c: c.__name__)
def test_every_binding_has_an_id_and_a_tooltip(cls: type[DOMNode]) -> None:
    """A profile keymap can remap each key (id), and `?` can say what it does (tooltip)."""
    bindings = declared(cls)
    assert bindings
    for binding in bindings:
        assert binding.id and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", binding.id), binding
        assert binding.tooltip, binding


def test_binding_ids_are_unique_across_the_console() -> None:
    """Two different actions never share an id (a keymap entry would move both)."""
    seen: dict[str, tuple[str, str]] = {}
    for cls in OURS:
        for binding in declared(cls):
            assert binding.id is not None
            owner = (cls.__name__, binding.action)
            assert seen.setdefault(binding.id, owner) == owner, binding.id


def test_stylesheets_name_colours_only_through_variables() -> None:
    """No hex colour in the app stylesheet or any widget's DEFAULT_CSS of ours."""
    declaration = re.compile(r"[a-z-]+\s*:\s*([^;{}]+)")
    hex_colour = re.compile(r"#[0-9a-fA-F]{3,8}\b")
    sheets = [themes.stylesheet()]
    sheets += [cls.DEFAULT_CSS for cls in OURS if "DEFAULT_CSS" in cls.__dict__]
    assert len(sheets) > 5
    for sheet in sheets:
        values = declaration.findall(sheet)
        assert values
        assert not [v for v in values if hex_colour.search(v)]


def test_broken_theme_is_reported_and_skipped(tmp_path: Path) -> None:
    """A theme with a bad colour or unknown key is named in `failed`; good ones still load."""
    (tmp_path / "good.toml").write_text('name = "good"\nprimary = "#336699"\n')
    (tmp_path / "bad-colour.toml").write_text('name = "bad"\nprimary = "not-a-colour"\n')
    (tmp_path / "bad-key.toml").write_text('name = "odd"\nprimary = "red"\nshade = 3\n')
    (tmp_path / "bad-toml.toml").write_text("name = \n")
    loaded = themes.load_themes(tmp_path)
    assert [t.name for t in loaded.themes] == ["good"]
    assert sorted(f.split(":")[0] for f in loaded.failed) == [
        "bad-colour.toml", "bad-key.toml", "bad-toml.toml"]


def test_shipped_themes_define_every_environment_colour() -> None:
    """Each theme in themes/ loads and sets a colour for every profile colour name."""
    loaded = themes.load_themes()
    assert not loaded.failed
    assert {t.name for t in loaded.themes} >= {themes.DEFAULT_THEME}
    for theme in loaded.themes:
        assert set(themes.VARIABLE_DEFAULTS) <= set(theme.variables)
