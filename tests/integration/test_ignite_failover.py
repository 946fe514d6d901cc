"""Nodes going away: calls move to a live node, and say which one answered; a scan whose
node dies stops with a message naming it, never with a silently short or doubled list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.backends.ignite import IgniteClient, typed
from console.errors import Unavailable
from tests.integration import ignite_fixtures
from tests.integration.ignite_fixtures import Cluster

cluster = ignite_fixtures.cluster  # the module-scoped stand-in and a client of it

KEYS = ["en", "fr", "de", "pt", "ja", "nl", "es", "it"]


@pytest.fixture
def fresh(cluster: Cluster) -> Iterator[IgniteClient]:
    """A client connected to all three nodes before anything is stopped."""
    with cluster.client() as made:
        made.get_size("greetings")
        yield made


def test_a_node_stopped_before_a_call_is_skipped(fresh: IgniteClient, cluster: Cluster) -> None:
    with cluster.stopped(1):
        values = [fresh.get("greetings", typed(k)) for k in KEYS]
        assert all(v is not None for v in values)
        assert fresh.answered_by != cluster.addresses[1]
        states = {n.address: n.state for n in fresh.nodes()}
    assert states[cluster.addresses[1]] == "down"
    assert [states[a] for a in (cluster.addresses[0], cluster.addresses[2])] == ["up", "up"]


def test_every_node_down_then_one_back(fresh: IgniteClient, cluster: Cluster) -> None:
    for index in range(3):
        cluster.stop(index)
    try:
        with pytest.raises(Unavailable, match="no node"):
            fresh.get("greetings", typed("en"))
        cluster.start(2)
        assert fresh.get("greetings", typed("en")).value == "Hello"  # type: ignore[union-attr]
        assert fresh.answered_by == cluster.addresses[2]
    finally:
        cluster.start(0)
        cluster.start(1)


def test_the_restarted_node_is_reported_up_again(fresh: IgniteClient, cluster: Cluster) -> None:
    with cluster.stopped(0):
        assert {n.address: n.state for n in fresh.nodes()}[cluster.addresses[0]] == "down"
    assert {n.address: n.state for n in fresh.nodes()}[cluster.addresses[0]] == "up"


def test_a_scan_whose_node_dies_names_it_and_the_count(fresh: IgniteClient,
                                                       cluster: Cluster) -> None:
    scan = fresh.scan("telemetry", page_size=500)
    first = scan.next_page()
    holder = cluster.addresses.index(scan.node)  # type: ignore[arg-type]
    with cluster.stopped(holder), pytest.raises(Unavailable) as caught:
        scan.next_page()
    assert len(first) == 500
    message = caught.value.message
    assert cluster.addresses[holder] in message
    assert "after 500 entries" in message and "only part of the cache" in message
    assert scan.next_page() == []  # a stopped scan never resumes somewhere else


def test_after_a_broken_scan_a_new_scan_reads_everything_once(fresh: IgniteClient,
                                                              cluster: Cluster) -> None:
    scan = fresh.scan("telemetry", page_size=1000)
    scan.next_page()
    holder = cluster.addresses.index(scan.node)  # type: ignore[arg-type]
    with cluster.stopped(holder):
        with pytest.raises(Unavailable):
            scan.next_page()
        keys = [e.key for e in fresh.scan("telemetry", page_size=1000)]
    assert sorted(keys) == list(range(3000))


def test_sql_write_is_not_sent_twice(fresh: IgniteClient, cluster: Cluster) -> None:
    """An INSERT whose node went away says so: it may have run, it is not repeated."""
    fresh.sql("CREATE TABLE IF NOT EXISTS FAILS (ID INT PRIMARY KEY, V VARCHAR)")
    for index in range(3):
        cluster.stop(index)
    try:
        with pytest.raises(Unavailable):
            fresh.sql("INSERT INTO FAILS VALUES (1, 'a')")
    finally:
        for index in range(3):
            cluster.start(index)
    assert fresh.sql("SELECT COUNT(*) FROM FAILS").first_rows == [[0]]
