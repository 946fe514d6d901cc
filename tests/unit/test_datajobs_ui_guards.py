"""The data jobs and roles widgets follow the console's key rules: ids, tooltips, no clashes."""

from __future__ import annotations

import re

import pytest
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from console.ui.databases.data_jobs_part import DataJobsPart
from console.ui.databases.import_dialog import ImportDialog
from console.ui.databases.jobs_view import DataJobsView
from console.ui.databases.preview_table import ImportPreview
from console.ui.databases.roles_view import KeyScreen, RolesView
from console.ui.panes.databases import DatabasesPane

OURS: list[type[DOMNode]] = [DataJobsPart, ImportDialog, DataJobsView, ImportPreview, KeyScreen,
                             RolesView, DatabasesPane]


def declared(cls: type[DOMNode]) -> list[Binding]:
    own = cls.__dict__.get("BINDINGS", [])
    return [b for bs in BindingsMap(own).key_to_bindings.values() for b in bs]


@pytest.mark.parametrize("cls", OURS, ids=lambda c: c.__name__)
def test_every_binding_has_an_id_and_a_tooltip(cls: type[DOMNode]) -> None:
    bindings = declared(cls)
    assert bindings
    for binding in bindings:
        assert binding.id and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", binding.id), binding
        assert binding.tooltip, binding


def test_binding_ids_are_unique() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for cls in OURS:
        for binding in declared(cls):
            owner = (cls.__name__, binding.action)
            assert seen.setdefault(str(binding.id), owner) == owner, binding.id
