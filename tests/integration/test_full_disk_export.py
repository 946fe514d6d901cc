"""Saving a SQL result to a full disk says so and leaves no partial file (issue 10 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.backends.postgres import export_query
from console.errors import ConsoleError
from tests.conftest import scratch_database
from tests.disk import fill, listing, small_disk

DB = "full_disk_export"
ROWS = "select n, repeat('x', 200) as pad from generate_series(1, 2000) as n"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_result_saved_to_a_full_disk_says_so(local_pg: object, tmp_path: Path, fmt: str) -> None:
    with scratch_database(f"{DB}_{fmt}") as client, small_disk(tmp_path / "disk") as disk:
        fill(disk, leave=8192)  # the first rows fit, the rest do not
        with pytest.raises(ConsoleError) as caught:
            export_query(client, f"{DB}_{fmt}", ROWS, disk / f"result.{fmt}", fmt)
        assert "No space left on device" in str(caught.value)
        assert str(disk / f"result.{fmt}") in str(caught.value)
        assert listing(disk) == []  # neither the target nor its temporary file
        rows = export_query(client, f"{DB}_{fmt}", ROWS, tmp_path / f"result.{fmt}", fmt)
        assert rows == 2000
