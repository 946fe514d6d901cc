"""Private members of our dependencies that the console overrides or reads.

``ResultGrid`` (ui/sql/results.py) replaces textual-fastdatatable's per-cell
render, and ``LogView`` (ui/logs/view.py) replaces ``Log``'s per-line render:
both were most of the cost of a frame. Neither library promises these names, so
``pyproject.toml`` pins both below their next minor release, and this test fails
loudly, naming the file to update, when an upgrade renames or reshapes them.
"""

from __future__ import annotations

import inspect

import pytest
from textual.widgets import Log
from textual_fastdatatable import DataTable


def parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("owner", "name", "expected", "user"),
    [
        (DataTable, "_render_cell",
         ["self", "row_index", "column_index", "base_style", "width", "cursor", "hover",
          "in_range"], "console/ui/sql/results.py"),
        (DataTable, "_get_styles_to_render_cell",
         ["self", "is_header_cell", "is_row_label_cell", "is_fixed_style_cell", "hover",
          "cursor", "in_range", "show_cursor", "show_hover_cursor", "show_range_highlight",
          "has_css_foreground_priority", "has_css_background_priority"],
         "console/ui/sql/results.py"),
        (Log, "_render_line_strip", ["self", "y", "rich_style"], "console/ui/logs/view.py"),
        (Log, "_process_line", ["line"], "console/ui/logs/view.py"),  # a classmethod
    ],
    ids=["DataTable._render_cell", "DataTable._get_styles_to_render_cell",
         "Log._render_line_strip", "Log._process_line"],
)
def test_overridden_private_methods_keep_their_shape(
    owner: type, name: str, expected: list[str], user: str
) -> None:
    """Each private method we override or call still exists with the parameters we pass."""
    method = getattr(owner, name, None)
    assert method is not None, f"{owner.__name__}.{name} is gone: update {user}"
    got = parameters(method)
    assert got[: len(expected)] == expected, (
        f"{owner.__name__}.{name}{got} changed shape: update {user}"
    )


def test_private_attributes_we_read_are_still_set() -> None:
    """The caches and counters the overrides read are still attributes of live widgets."""
    import pyarrow as pa
    from textual_fastdatatable import ArrowBackend

    grid = DataTable(backend=ArrowBackend(pa.table({"a": [1]})))
    for name in ("_cell_render_cache", "_show_hover_cursor", "_update_count",
                 "_pseudo_class_state", "_require_update_dimensions"):
        assert hasattr(grid, name), f"DataTable.{name} is gone: update console/ui/sql/results.py"
    log = Log()
    for name in ("_lines", "_render_line_cache"):
        assert hasattr(log, name), f"Log.{name} is gone: update console/ui/logs/view.py"
