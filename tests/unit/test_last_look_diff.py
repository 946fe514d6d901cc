"""Since last look, the pure part: previous look + data now → changes, marks, summary."""

from __future__ import annotations

import pytest

from console.backends.balena import Device
from console.backends.balena.logs import LogLine, Notice
from console.backends.balsam import JOB_STATES
from console.lastlook import devices, jobs, logs
from console.lastlook.words import ago

HOURS_2 = 2 * 3600 + 5


def device(id: int, name: str = "", online: bool = True, status: str = "idle") -> Device:
    return Device(id=id, uuid=f"{id:032x}", name=name or f"gw-{id}", is_online=online,
                  status=status)


@pytest.mark.parametrize(("seconds", "said"), [
    (5, "just now"), (125, "2 min ago"), (HOURS_2, "2 h ago"), (86_400, "1 day ago"),
    (3 * 86_400 + 7, "3 days ago"),
])
def test_age_reads_rounded_down(seconds: float, said: str) -> None:
    assert ago(seconds) == said


# -- devices -------------------------------------------------------------------------------


def test_devices_summary_names_each_kind_of_change() -> None:
    look = devices.remember(None, [device(1), device(2, online=False), device(3), device(4),
                                   device(5, name="old-gw")], max_id=10)
    now = [device(1, online=False, status="offline"), device(2), device(3, status="updating"),
           device(4), device(11)]
    changes = devices.compare(look, now, new_total=3)
    assert changes.marks == {1: devices.OFFLINE, 2: devices.ONLINE, 3: devices.STATUS,
                             11: devices.NEW}
    assert changes.gone == ("old-gw",)
    assert changes.summary(HOURS_2) == (
        "Since last look (2 h ago): ▼ 1 went offline, ▲ 1 back online, ~ 1 changed status, "
        "+ 3 new, 1 gone (old-gw)")


def test_nothing_changed_says_nothing() -> None:
    look = devices.remember(None, [device(1), device(2)], max_id=2)
    changes = devices.compare(look, [device(1), device(2)])
    assert changes.marks == {} and changes.summary(60) == ""


def test_a_device_never_seen_is_not_new_unless_created_since() -> None:
    look = devices.remember(None, [device(5)], max_id=100)
    assert devices.compare(look, [device(5), device(42)]).marks == {}
    first_look = devices.remember(None, [device(5)], max_id=None)
    assert devices.compare(first_look, [device(5), device(420)]).marks == {}


def test_many_gone_are_counted_and_a_few_named() -> None:
    look = devices.remember(None, [device(i) for i in range(1, 7)], max_id=6)
    text = devices.compare(look, [device(1)]).summary(60)
    assert "5 gone (gw-2, gw-3, gw-4 …)" in text


def test_a_look_keeps_the_latest_seen_first_and_is_bounded() -> None:
    old = devices.remember(None, [device(i) for i in range(devices.LIMIT)], max_id=9)
    fresh = devices.remember(old, [device(devices.LIMIT + 1, online=False)], max_id=None,
                             forget=[0])
    assert len(fresh.devices) == devices.LIMIT
    assert next(iter(fresh.devices)) == devices.LIMIT + 1 and 0 not in fresh.devices
    assert fresh.max_id == 9 and fresh.devices[devices.LIMIT + 1].online is False


def test_a_device_look_survives_its_json_form_and_skips_bad_rows() -> None:
    look = devices.remember(None, [device(3, name="a \"b\""), device(4)], max_id=4)
    assert devices.DeviceLook.from_data(look.to_data()) == look
    data = look.to_data()
    data["devices"]["x"] = ["bad"]
    data["devices"]["9"] = "nope"
    assert devices.DeviceLook.from_data(data) == look
    assert devices.DeviceLook.from_data({"devices": []}).devices == {}


# -- jobs ----------------------------------------------------------------------------------


def counts(**changed: int) -> dict[str, int]:
    return dict.fromkeys(JOB_STATES, 0) | changed


def test_jobs_summary_calls_out_new_failures_first() -> None:
    before = counts(RUNNING=40, FAILED=1, JOB_FINISHED=10)
    now = counts(RUNNING=10, FAILED=6, JOB_FINISHED=130)
    assert jobs.jobs_summary(before, now, HOURS_2) == (
        "Since last look (2 h ago): ⚠ 5 new failures, \N{MINUS SIGN}30 RUNNING, "
        "+120 JOB_FINISHED, +5 FAILED")


def test_jobs_unchanged_say_nothing_and_fewer_failures_are_no_alarm() -> None:
    same = counts(RUNNING=3)
    assert jobs.jobs_summary(same, same, 60) == ""
    assert jobs.new_failures(counts(FAILED=3), counts(FAILED=1, RUN_ERROR=1)) == 1


def test_a_jobs_look_round_trips_bounded_and_needs_all() -> None:
    groups = {"All": counts(READY=2), **{f"app{i}": counts() for i in range(300)}}
    data = jobs.to_data(groups)
    assert len(data["groups"]) == jobs.GROUPS
    assert jobs.from_data(data)["All"] == counts(READY=2)  # type: ignore[index]
    assert jobs.from_data({"groups": {"app": {}}}) is None
    assert jobs.from_data({"groups": "x"}) is None


# -- logs ----------------------------------------------------------------------------------


def line(uuid: str, created: int) -> LogLine:
    return LogLine(uuid=uuid, created_at=created, timestamp=created, message=f"m{created}")


def test_unread_lines_are_counted_and_the_divider_goes_before_the_first() -> None:
    unread = logs.Unread({"a": 102, "b": 50}, ["a", "b"], backlog=100, age=HOURS_2)
    batch = [line("a", 101), line("b", 49), line("a", 102), line("b", 51), line("a", 103)]
    marked = unread.mark(batch)
    assert unread.count == 2 and not unread.more
    divider = marked[3]
    assert isinstance(divider, Notice) and divider.uuid == logs.DIVIDER
    assert marked[:3] == batch[:3] and marked[4:] == batch[3:]
    assert divider.message == "2 new lines since last look (2 h ago)"
    later = [line("a", 200)]
    assert unread.mark(later) == later  # only the backlog is compared: live lines follow it


def test_a_backlog_all_unread_says_there_may_be_more() -> None:
    unread = logs.Unread({"a": 1}, ["a"], backlog=3, age=60)
    unread.mark([line("a", 5), line("a", 6), line("a", 7)])
    assert unread.text() == "3+ new lines since last look (1 min ago)"


def test_nothing_unread_or_never_read_leaves_the_batch_alone() -> None:
    batch = [line("a", 1), line("c", 9)]
    assert logs.Unread({"a": 1}, ["a", "c"], backlog=100, age=0).mark(batch) == batch
    assert logs.Unread({}, ["a"], backlog=100, age=0).mark(batch) == batch


def test_last_read_moves_forward_only_and_is_bounded() -> None:
    read = logs.last_read([line("a", 5), line("a", 9), Notice("a", "x"), line("b", 2)])
    assert read == {"a": 9, "b": 2}
    assert logs.remember({"a": 12, "c": 1}, read) == {"a": 12, "b": 2, "c": 1}
    many = logs.remember({}, {f"d{i}": i for i in range(logs.LIMIT + 10)})
    assert len(many) == logs.LIMIT and "d0" not in many
    assert logs.from_data(logs.to_data(read)) == read
    assert logs.from_data({"devices": {"a": "x", "b": 3}}) == {"b": 3}
