"""The spool that keeps a whole log session on disk behind the bounded screen buffer."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.profiles import locations
from console.profiles.spool import Spool, _prune


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


def test_old_sessions_are_pruned_to_the_newest_ten() -> None:
    folder = locations.spool_dir("prunetest")
    made = [Spool.create("prunetest", "logs") for _ in range(11)]
    for age, spool in enumerate(made):
        spool.close()  # sessions that ended: only the count limit keeps them
        os.utime(spool.path, (1_700_000_000 + age, 1_700_000_000 + age))
    assert len(list(folder.glob("logs-*.spool"))) == 11
    newest = Spool.create("prunetest", "logs")
    kept = set(folder.glob("logs-*.spool"))
    assert len(kept) == 10 and newest.path in kept
    assert not any(spool.path in kept for spool in made[:2])  # the two oldest went
    assert all(spool.path in kept for spool in made[2:])


def _spool_file(
    folder: Path, pid: int, *, written: int, size: int = 100, stamp: str | None = None
) -> Path:
    """A spool file as ``Spool.create`` names it, last written ``written`` seconds into 2023."""
    stamp = stamp or time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    path = folder / f"logs-{stamp}-{pid}-{secrets.token_hex(3)}.spool"
    path.write_bytes(b"x" * size)
    os.utime(path, (1_700_000_000 + written, 1_700_000_000 + written))
    return path


@pytest.fixture
def other_console() -> Iterator[subprocess.Popen[bytes]]:
    """A live process standing in for another console on the same profile."""
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    yield process
    process.kill()
    process.wait()


def test_spools_beyond_the_byte_budget_go_oldest_first(tmp_path: Path) -> None:
    # This test's pid with no spool open here: ended sessions of this process.
    paths = [_spool_file(tmp_path, os.getpid(), written=age) for age in range(5)]
    _prune(tmp_path, "logs", keep=10, budget=250)
    assert [path.exists() for path in paths] == [False, False, False, True, True]


def test_one_big_recent_spool_takes_the_older_ones_with_it(tmp_path: Path) -> None:
    small = [_spool_file(tmp_path, os.getpid(), written=age, size=10) for age in range(3)]
    big = _spool_file(tmp_path, os.getpid(), written=3, size=1000)
    _prune(tmp_path, "logs", keep=10, budget=1000)
    assert big.exists() and not any(path.exists() for path in small)


def test_a_spool_another_live_console_writes_survives_until_it_exits(
    tmp_path: Path, other_console: subprocess.Popen[bytes]
) -> None:
    theirs = _spool_file(tmp_path, other_console.pid, written=0, size=1000)
    ended = [_spool_file(tmp_path, os.getpid(), written=age) for age in (1, 2)]
    _prune(tmp_path, "logs", keep=0, budget=0)
    assert theirs.exists()  # oldest, over count and budget, but still being written
    assert not any(path.exists() for path in ended)
    other_console.kill()
    other_console.wait()
    _prune(tmp_path, "logs", keep=0, budget=0)
    assert not theirs.exists()


def test_a_live_spool_counts_towards_the_limits(
    tmp_path: Path, other_console: subprocess.Popen[bytes]
) -> None:
    older = _spool_file(tmp_path, os.getpid(), written=0)
    newer = _spool_file(tmp_path, os.getpid(), written=1)
    theirs = _spool_file(tmp_path, other_console.pid, written=2)
    _prune(tmp_path, "logs", keep=2, budget=10_000)
    assert theirs.exists() and newer.exists() and not older.exists()


def test_a_pid_reused_by_a_later_process_does_not_spare_a_spool(
    tmp_path: Path, other_console: subprocess.Popen[bytes]
) -> None:
    # Stamped in 2001: the live process with that pid started long after, so it is not the writer.
    stale = _spool_file(tmp_path, other_console.pid, written=0, stamp="20010909-014640")
    _prune(tmp_path, "logs", keep=0, budget=0)
    assert not stale.exists()


def test_a_spool_this_process_has_open_survives_until_closed(tmp_path: Path) -> None:
    spool = Spool(_spool_file(tmp_path, os.getpid(), written=0, size=1000))
    _prune(tmp_path, "logs", keep=0, budget=0)
    assert spool.path.exists()
    spool.close()
    _prune(tmp_path, "logs", keep=0, budget=0)
    assert not spool.path.exists()


def test_pruning_leaves_foreign_names_alone_and_survives_vanished_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    foreign = [tmp_path / "logs-notes.spool", tmp_path / "logs-archive-20240101-000000-1-ab.spool"]
    for path in foreign:
        path.write_bytes(b"x" * 1000)
    old = _spool_file(tmp_path, os.getpid(), written=0)
    ghost = tmp_path / "logs-20240101-000000-1-ab.spool"  # listed, then deleted by another console
    real_glob = Path.glob
    monkeypatch.setattr(Path, "glob", lambda self, pattern: [ghost, *real_glob(self, pattern)])
    _prune(tmp_path, "logs", keep=0, budget=0)
    assert not old.exists() and all(path.exists() for path in foreign)
