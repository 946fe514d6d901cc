"""The spool that keeps a whole log session on disk behind the bounded screen buffer."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from console.profiles import locations
from console.profiles.spool import Spool


def test_lines_come_back_in_order_across_index_blocks(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.spool", stride=4)
    spool.append(f"line {i}" for i in range(10))
    spool.append(["line 10"])
    assert len(spool) == 11
    assert list(spool.lines(5, 9)) == ["line 5", "line 6", "line 7", "line 8"]
    assert spool.line(10) == "line 10"
    with pytest.raises(IndexError):
        spool.line(11)


def test_newlines_inside_a_line_do_not_split_it(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.spool")
    spool.append(["two\nparts", "next"])
    assert list(spool.lines()) == ["two parts", "next"]


def test_search_by_text_regex_or_predicate(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.spool", stride=2)
    spool.append(["alpha", "ERROR one", "beta", "error two"])
    assert [i for i, _ in spool.search("ERROR")] == [1]
    assert [i for i, _ in spool.search(re.compile("(?i)error"))] == [1, 3]
    assert [t for _, t in spool.search(lambda t: t.startswith("b"))] == ["beta"]
    assert [i for i, _ in spool.search(re.compile("(?i)error"), start=2)] == [3]


def test_save_writes_kept_lines_rendered(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.spool")
    spool.append(["a1", "b2", "a3"])
    out = tmp_path / "out" / "saved.log"
    written = spool.save(out, keep=lambda t: t.startswith("a"), render=str.upper)
    assert written == 2
    assert out.read_text() == "A1\nA3\n"


def test_reopening_an_existing_spool_indexes_it(tmp_path: Path) -> None:
    first = Spool(tmp_path / "s.spool", stride=3)
    first.append(f"x{i}" for i in range(7))
    first.close()
    again = Spool(tmp_path / "s.spool", stride=3)
    again.append(["x7"])
    assert len(again) == 8
    assert list(again.lines(6)) == ["x6", "x7"]


def test_create_puts_the_file_in_the_profiles_spool_dir() -> None:
    spool = Spool.create("spooltest", "logs")
    spool.append(["hello"])
    spool.flush()
    assert spool.path.parent == locations.spool_dir("spooltest")
    assert spool.path.read_text() == "hello\n"


def test_two_sessions_started_together_get_their_own_files() -> None:
    first, second = Spool.create("spooltest", "logs"), Spool.create("spooltest", "logs")
    first.append(["only in first"])
    assert first.path != second.path and len(second) == 0


def test_blocks_of_joined_lines_are_indexed_for_random_access(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "s.spool", stride=5)
    number = 0
    for size in (3, 7, 1, 12, 2):
        block = b"".join(b"b%d\n" % (number + i) for i in range(size))
        spool.append_block(block, size)
        number += size
    assert len(spool) == number == 25
    assert [spool.line(i) for i in (0, 2, 3, 10, 11, 22, 24)] == [
        "b0",
        "b2",
        "b3",
        "b10",
        "b11",
        "b22",
        "b24",
    ]
    assert list(spool.lines(9, 13)) == ["b9", "b10", "b11", "b12"]


def test_old_sessions_are_pruned_to_the_newest_ten_but_recent_ones_stay() -> None:
    folder = locations.spool_dir("prunetest")
    made = [Spool.create("prunetest", "logs") for _ in range(11)]
    assert len(list(folder.glob("logs-*.spool"))) == 11  # all written within the hour
    for spool in made[:5]:
        os.utime(spool.path, (1_000_000_000, 1_000_000_000))  # idle for years
    newest = Spool.create("prunetest", "logs")
    kept = set(folder.glob("logs-*.spool"))
    assert len(kept) == 10 and newest.path in kept
    assert sum(spool.path in kept for spool in made[:5]) == 3  # two idle ones went
    assert all(spool.path in kept for spool in made[5:])
