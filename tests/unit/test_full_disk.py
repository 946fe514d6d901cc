"""A full disk loses nothing already written and tears no file (issue 10 item 7).

Each test mounts a small tmpfs and fills it, so ``ENOSPC`` comes from the kernel.
"""

from __future__ import annotations

import errno
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from console import profiles
from console.backends.balena.logs import LogLine, Notice
from console.profiles import ProfileSettings, history, locations
from console.profiles.atomic import append_record, write_atomically
from console.profiles.spool import Spool
from console.ui.logs.session import SPOOL_NOTICE, LogSession
from tests.disk import fill, free, listing, small_disk


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as folder:
        yield folder


def test_a_replaced_file_stays_whole_when_the_disk_is_full(disk: Path) -> None:
    path = disk / "settings.toml"
    write_atomically(path, "color = 'red'\n")
    fill(disk)
    with pytest.raises(OSError) as caught:
        write_atomically(path, "color = 'blue'\n" * 1000)
    assert caught.value.errno == errno.ENOSPC
    assert path.read_text() == "color = 'red'\n"
    assert listing(disk) == ["settings.toml"]  # no temporary file, no 0-byte file


def test_a_record_the_disk_cuts_short_is_taken_back(disk: Path) -> None:
    path = disk / "audit.jsonl"
    append_record(path, b'{"n": 1}\n')
    fill(disk, leave=4096)  # room for part of the next record only
    with pytest.raises(OSError):
        append_record(path, b'{"n": 2, "pad": "' + b"x" * 10_000 + b'"}\n')
    assert path.read_bytes() == b'{"n": 1}\n'
    free(disk)
    append_record(path, b'{"n": 3}\n')
    assert [json.loads(line)["n"] for line in path.read_text().splitlines()] == [1, 3]


def test_settings_and_secrets_survive_a_full_disk() -> None:
    name = "full-settings"
    with small_disk(locations.profiles_dir() / name) as folder:
        profiles.add(name, ProfileSettings(color="green", description="before"))
        profiles.set_secret(name, "balena", "token", "tok-before")
        fill(folder)
        with pytest.raises(OSError):
            profiles.save_settings(name, ProfileSettings(color="red", description="x" * 9000))
        with pytest.raises(OSError):
            profiles.set_secret(name, "balena", "token", "y" * 9000)
        loaded = profiles.load(name)
        assert loaded.settings.description == "before"
        assert loaded.secret("balena", "token") == "tok-before"
        assert listing(folder) == ["credentials.toml", "settings.toml"]


def test_history_keeps_every_whole_entry_through_a_full_disk() -> None:
    name = "full-history"
    with small_disk(locations.profile_dir(name) / "state") as folder:
        log = history.History(name)
        log.append(history.HistoryEntry.now("select 1", "postgres"))
        fill(folder, leave=4096)
        with pytest.raises(OSError):
            log.append(history.HistoryEntry.now("select '" + "x" * 10_000 + "'", "postgres"))
        with pytest.raises(OSError):
            history.save_buffer(name, "select 2;\n" * 2000)
        free(folder)
        log.append(history.HistoryEntry.now("select 3", "postgres"))
        assert [entry.sql for entry in log.entries()] == ["select 3", "select 1"]
        assert all(json.loads(line) for line in log.path.read_text().splitlines())
        assert listing(folder) == [history.HISTORY_FILE]


def _lines(start: int, count: int, width: int = 100) -> list[str]:
    return [f"line {n:06d} " + "x" * width for n in range(start, start + count)]


def test_a_spool_on_a_full_disk_keeps_following_in_memory(disk: Path) -> None:
    spool = Spool(disk / "logs.spool", stride=8, memory_limit=500)
    spool.append(_lines(0, 10))
    fill(disk, leave=4096)
    for start in range(10, 1010, 100):  # each batch ~11 KB: the first one is cut short
        spool.append(_lines(start, 100))
    assert spool.stopped is not None and "No space left on device" in spool.stopped
    assert len(spool) == 1010
    on_disk = (disk / "logs.spool").read_text().splitlines()
    assert on_disk == _lines(0, len(on_disk))  # whole lines only, none torn
    kept = list(spool.numbered())
    assert spool.lost == 1010 - len(on_disk) - 500
    assert [i for i, _ in kept[-500:]] == list(range(510, 1010))  # the newest 500, in place
    assert [text for _, text in kept[-500:]] == _lines(510, 500)
    assert [i for i, _ in spool.search("line 001009")] == [1009]
    assert Spool(disk / "logs.spool").__len__() == len(on_disk)  # reopened: whole lines


def test_saving_to_a_full_disk_leaves_no_partial_file(tmp_path: Path, disk: Path) -> None:
    spool = Spool(tmp_path / "logs.spool")
    spool.append(_lines(0, 500))
    fill(disk)
    with pytest.raises(OSError) as caught:
        spool.save(disk / "saved.log")
    assert caught.value.errno == errno.ENOSPC
    assert listing(disk) == []
    assert spool.save(tmp_path / "saved.log") == 500


def _event(n: int) -> LogLine:
    return LogLine(uuid="a" * 32, created_at=n, timestamp=n, message=f"msg {n} " + "x" * 200)


def test_the_session_says_once_that_spooling_stopped_and_keeps_the_screen(disk: Path) -> None:
    session = LogSession(Spool(disk / "logs.spool"), screen_limit=100)
    session.ingest([_event(0)])
    fill(disk, leave=4096)
    pending = []
    for start in range(1, 301, 50):
        session.ingest([_event(n) for n in range(start, start + 50)])
        pending += session.take_pending()  # the screen's 50 ms flush
    notices = [e for e in pending if isinstance(e, Notice)]
    assert len(notices) == 1 and notices[0].uuid == SPOOL_NOTICE
    assert "No space left on device" in notices[0].message
    assert "still following" in notices[0].message
    assert [e.created_at for e in pending if isinstance(e, LogLine)][-1] == 300
    redrawn = session.tail()  # what a filter change or resume draws: the lines after the stop too
    assert [e.created_at for e in redrawn if isinstance(e, LogLine)][-1] == 300
    assert len(list(session.spool.search("stopped saving this session"))) == 1
    assert session.counters.received == 301
