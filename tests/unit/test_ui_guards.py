"""Guards on the UI's own parts: every key can be remapped and explained; no hex colours;
a broken theme file is reported and skipped."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from console.ui import themes


def _every_ui_class() -> list[type[DOMNode]]:
    """Every widget, screen and app class of ours that declares keys (found, not listed: a
    new dialog cannot slip past these guards)."""
    import console.ui

    found: dict[str, type[DOMNode]] = {}
    for module_info in pkgutil.walk_packages(console.ui.__path__, "console.ui."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, DOMNode)
                    and value.__module__ == module.__name__ and "BINDINGS" in value.__dict__):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


OURS = _every_ui_class()


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
    """Two different actions never share an id (a keymap entry would move both); one action
    may keep its id in several widgets (``table-down`` moves down in every table)."""
    seen: dict[str, tuple[str, str]] = {}
    for cls in OURS:
        for binding in declared(cls):
            assert binding.id is not None
            first = seen.setdefault(binding.id, (cls.__name__, binding.action))
            assert first[1] == binding.action, (binding.id, first, cls.__name__)


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
