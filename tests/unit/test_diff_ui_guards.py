"""The ``:diff`` screen follows the console's UI rules: remappable keys, colours by variable."""

from __future__ import annotations

import re

from textual.binding import BindingsMap

from console.ui.diff import DiffScreen, DiffTable


def test_every_key_has_an_id_and_a_tooltip() -> None:
    bindings = [b for bs in BindingsMap(DiffScreen.BINDINGS).key_to_bindings.values()
                for b in bs]
    assert {b.id for b in bindings} == {"diff-next", "diff-previous", "diff-refresh",
                                        "diff-close"}
    assert all(b.tooltip for b in bindings)


def test_colours_come_only_from_variables() -> None:
    for css in (DiffScreen.DEFAULT_CSS, DiffTable.DEFAULT_CSS):
        assert not re.search(r"#[0-9a-fA-F]{3,8}\b", css)
    assert "$env-red" in DiffScreen.DEFAULT_CSS  # each profile colour has its badge rule


def test_marks_are_component_classes() -> None:
    assert {"diff-table--only", "diff-table--missing", "diff-table--changed"} <= \
        DiffTable.COMPONENT_CLASSES
