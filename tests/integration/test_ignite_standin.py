"""The stand-in as a protocol peer, proven with pyignite's own request classes: unknown op
codes, cursors and partition maps are answered as a node answers them."""

from __future__ import annotations

from pyignite import Client
from pyignite.api import cache_get_node_partitions, resource_close
from pyignite.queries import Query

from console.sandbox.ignite.objects import partition
from console.sandbox.ignite.wire import java_hash, schema_id
from tests.integration import ignite_fixtures
from tests.integration.ignite_fixtures import PASSWORD, Cluster

cluster = ignite_fixtures.cluster  # the module-scoped stand-in and a client of it


def _connect(cluster: Cluster) -> Client:
    client = Client(username="ignite", password=PASSWORD)
    client.connect([tuple(a.split(":")) and (a.split(":")[0], int(a.split(":")[1]))
                    for a in cluster.addresses])
    return client


def test_an_unknown_op_code_gets_status_2_and_the_connection_lives(cluster: Cluster) -> None:
    client = _connect(cluster)
    node = client.random_node
    result = Query(op_code=9999).perform(node)
    assert result.status == 2
    assert result.message == "Invalid request op code: 9999"
    assert client.get_cache("greetings").get("en") == "Hello"
    client.close()


def test_closing_an_unknown_cursor_is_resource_does_not_exist(cluster: Cluster) -> None:
    client = _connect(cluster)
    result = resource_close(client.random_node, 424242)
    assert result.status == 1011
    assert "Failed to find resource with id: 424242" in result.message
    client.close()


def test_partition_map_covers_1024_partitions_over_three_nodes(cluster: Cluster) -> None:
    client = _connect(cluster)
    result = cache_get_node_partitions(client.random_node, [java_hash("telemetry")])
    mapping = result.value["partition_mapping"][java_hash("telemetry")]
    assert mapping["is_applicable"] and mapping["number_of_partitions"] == 1024
    assert len(mapping["node_mapping"]) == 3
    client.close()


def test_hashes_match_javas() -> None:
    """Values from the Java side: "Person".hashCode(), and an FNV-1 schema id."""
    assert java_hash("person") == -991716523
    assert java_hash("") == 0
    assert schema_id([]) == 0
    assert partition(bytes([4]) + (5).to_bytes(8, "little"), 1024) == 5
