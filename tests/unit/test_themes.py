"""The console's themes: what ships, which one a profile gets, and the editor's colours."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from console.ui import themes
from console.ui.themes.choice import ThemeChoice
from console.ui.themes.editor import ROLES, editor_theme, role_colors

OURS = {t.name: t for t in themes.load_themes().themes}
AVAILABLE = set(OURS) | set(BUILTIN_THEMES)
SQL_HIGHLIGHTS = Path(__import__("textual").__file__).parent / "tree-sitter/highlights/sql.scm"


def test_four_themes_ship_dark_light_and_high_contrast() -> None:
    assert {"fleet-dark", "fleet-light", "fleet-contrast", "fleet-solarized"} <= set(OURS)
    assert not OURS["fleet-light"].dark and OURS["fleet-dark"].dark
    contrast = OURS["fleet-contrast"]
    assert (contrast.foreground, contrast.background) == ("#ffffff", "#000000")


@pytest.mark.parametrize("name", sorted(OURS))
def test_profile_colours_differ_from_the_header_around_them(name: str) -> None:
    """Every env-* colour is set, and none is lost in the header's own background."""
    theme = OURS[name]
    panel = Color.parse(theme.panel or "#000000")
    for variable in themes.VARIABLE_DEFAULTS:
        colour = Color.parse(theme.variables[variable])
        assert abs(colour.brightness - panel.brightness) > 0.12 or colour.hsl.s > 0.4, variable


def test_variable_opacity_and_text_styles_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "t.toml").write_text(
        'name = "t"\nprimary = "#336699"\n[variables]\n'
        'input-selection-background = "#81a1c1 35%"\nblock-cursor-text-style = "bold"\n'
    )
    (tmp_path / "u.toml").write_text(
        'name = "u"\nprimary = "#336699"\n[variables]\nenv-red = "#81a1c1 lots"\n')
    loaded = themes.load_themes(tmp_path)
    assert [t.name for t in loaded.themes] == ["t"]
    assert loaded.failed[0].startswith("u.toml: env-red")


class TestChoice:
    def test_default_when_nothing_is_asked(self) -> None:
        assert ThemeChoice(AVAILABLE).for_profile(None).name == themes.DEFAULT_THEME

    def test_profile_theme_is_used(self) -> None:
        chosen = ThemeChoice(AVAILABLE).for_profile("fleet-light")
        assert (chosen.name, chosen.problem) == ("fleet-light", None)

    def test_command_line_wins_over_the_profile(self) -> None:
        chosen = ThemeChoice(AVAILABLE, override="fleet-contrast").for_profile("fleet-light")
        assert chosen.name == "fleet-contrast"

    def test_unknown_override_falls_back_to_the_profile_and_says_so(self) -> None:
        chosen = ThemeChoice(AVAILABLE, override="purple").for_profile("fleet-light")
        assert chosen.name == "fleet-light"
        assert chosen.problem == "unknown theme 'purple' (--theme)"

    def test_unknown_everywhere_uses_the_default_and_lists_ours(self) -> None:
        chosen = ThemeChoice(AVAILABLE, override="purple").for_profile("mauve")
        assert chosen.name == themes.DEFAULT_THEME
        assert chosen.problem is not None
        assert "'purple' (--theme)" in chosen.problem and "'mauve' (the profile)" in chosen.problem
        assert "fleet-contrast, fleet-dark, fleet-light, fleet-solarized" in chosen.problem


class TestEditorTheme:
    def test_every_sql_highlight_with_a_role_is_styled(self) -> None:
        captures = {word.strip("@) \n") for word in SQL_HIGHLIGHTS.read_text().split()
                    if word.startswith("@")}
        styled = editor_theme(OURS["fleet-dark"]).syntax_styles
        painted = {"keyword", "string", "number", "float", "comment", "function.call",
                   "type", "boolean", "operator"}
        assert painted <= captures, "the grammar still names what the roles paint"
        assert painted <= set(styled)

    def test_follows_light_and_dark(self) -> None:
        dark = role_colors(OURS["fleet-dark"])
        light = role_colors(OURS["fleet-light"])
        for role in ROLES:
            assert dark[role].brightness > light[role].brightness, role

    def test_a_theme_can_set_its_own_syntax_colours(self) -> None:
        styles = editor_theme(OURS["fleet-solarized"]).syntax_styles
        assert styles["keyword"].color is not None
        assert styles["keyword"].color.triplet is not None
        assert styles["keyword"].color.triplet.hex == "#859900"
        assert styles["keyword"].bold and styles["comment"].italic

    @pytest.mark.parametrize("name", sorted(BUILTIN_THEMES))
    def test_textual_themes_work_too(self, name: str) -> None:
        """The palette lists Textual's own themes as well: each gives an editor theme."""
        theme = editor_theme(BUILTIN_THEMES[name])
        assert theme.name == f"fleet-sql-{name}" and "keyword" in theme.syntax_styles
