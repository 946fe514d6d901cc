"""SQL history and the saved editor buffer, per profile, on disk."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from console.profiles import history, locations
from console.profiles.history import History, HistoryEntry
from tests.disk import fill, listing, small_disk

needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")


def _entry(sql: str, database: str = "app") -> HistoryEntry:
    return HistoryEntry.now(sql, database, elapsed=0.01, rowcount=1)


def test_entries_come_back_newest_first() -> None:
    """What was appended last is recalled first."""
    log = History("hist-order")
    for sql in ("select 1", "select 2", "select 3"):
        log.append(_entry(sql))
    assert [e.sql for e in log.entries()] == ["select 3", "select 2", "select 1"]


def test_each_profile_has_its_own_history() -> None:
    """Two profiles never see each other's statements."""
    History("hist-a").append(_entry("select 'a'"))
    History("hist-b").append(_entry("select 'b'"))
    assert [e.sql for e in History("hist-a").entries()] == ["select 'a'"]
    assert History("hist-a").path != History("hist-b").path


def test_search_needs_every_word_and_ignores_case() -> None:
    """Search matches all words, case-insensitively, listing each statement once."""
    log = History("hist-search")
    for sql in ("SELECT * FROM devices", "select name from fleets", "select * from devices"):
        log.append(_entry(sql))
    log.append(_entry("SELECT * FROM devices"))
    found = [e.sql for e in log.search("from DEVICES")]
    assert found == ["SELECT * FROM devices", "select * from devices"]


def test_torn_line_is_skipped_not_fatal() -> None:
    """A half-written line (a crash mid-append) costs that line only."""
    log = History("hist-torn")
    log.append(_entry("select 1"))
    with log.path.open("a") as handle:
        handle.write('{"sql": "select 2", "data')
    log.append(_entry("select 3"))
    assert [e.sql for e in log.entries()] == ["select 3", "select 1"]


def test_history_is_compacted_to_its_limit() -> None:
    """The file keeps the newest entries once it outgrows its limit."""
    log = History("hist-limit", limit=8)
    for number in range(11):
        log.append(_entry(f"select {number}"))
    entries = log.entries()
    assert len(entries) <= 10
    assert entries[0].sql == "select 10"
    assert "select 0" not in {e.sql for e in entries}


@needs_dev_full
def test_full_disk_raises_oserror_and_keeps_old_entries() -> None:
    """A full disk is reported as OSError (ENOSPC); nothing earlier is lost."""
    log = History("hist-full")
    log.append(_entry("select 1"))
    kept = log.path.read_text()
    moved = log.path.with_name("moved.jsonl")
    log.path.rename(moved)
    os.symlink("/dev/full", log.path)
    with pytest.raises(OSError) as caught:
        log.append(_entry("select 2"))
    assert caught.value.errno == errno.ENOSPC
    assert log.entries() == []  # a device is not read as history
    assert moved.read_text() == kept


def test_buffer_round_trips_per_profile() -> None:
    """The saved editor text comes back exactly, and only for its profile."""
    text = "select 1;\n-- ünïcode\nselect 2"
    history.save_buffer("buf-a", text)
    assert history.load_buffer("buf-a") == text
    assert history.load_buffer("buf-b") == ""


@needs_dev_full
def test_failed_buffer_save_keeps_the_previous_buffer() -> None:
    """When the new buffer cannot be written, the old one stays whole."""
    with small_disk(locations.profile_dir("buf-full") / "state") as folder:
        history.save_buffer("buf-full", "select 'old'")
        fill(folder)
        with pytest.raises(OSError):
            history.save_buffer("buf-full", "select 'new';\n" * 1000)
        assert history.load_buffer("buf-full") == "select 'old'"
        assert listing(folder) == [history.BUFFER_FILE]
