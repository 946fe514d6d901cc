"""Every cache operation of the Ignite client, through pyignite, against the three-node stand-in."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest

from console.backends.ignite import CacheSpec, IgniteClient, QueryEntity, QueryField, typed
from console.errors import BadQuery, Conflict, NotFound, ReadOnlyRefused
from console.profiles import audit
from tests.integration import ignite_fixtures
from tests.integration.ignite_fixtures import Cluster

client = ignite_fixtures.client
cluster = ignite_fixtures.cluster  # the module-scoped stand-in and a client of it


def test_caches_have_size_mode_backups_and_atomicity(client: IgniteClient) -> None:
    caches = {info.name: info for info in client.caches()}
    assert caches["telemetry"].size == 3000
    assert (caches["greetings"].mode, caches["greetings"].backups) == ("replicated", 0)
    assert (caches["people"].mode, caches["people"].backups) == ("partitioned", 2)
    assert caches["device-config"].atomicity == "transactional"
    assert caches["SQL_PUBLIC_READINGS"].size == 2500
    assert [e.table for e in caches["SQL_PUBLIC_CITY"].entities] == ["CITY"]


def test_cluster_state_and_nodes(client: IgniteClient, cluster: Cluster) -> None:
    client.get_size("greetings")
    info = client.cluster()
    assert info.state == "active"
    assert [n.address for n in info.nodes] == cluster.addresses
    assert all(n.state == "up" for n in info.nodes)
    assert sum(n.answering for n in info.nodes) == 1
    assert client.answered_by in cluster.addresses


def test_get_reads_each_value_shape(client: IgniteClient) -> None:
    assert client.get("greetings", typed("fr")).value == "Bonjour"  # type: ignore[union-attr]
    counters = {e.key: e.value for e in client.get_all("counters", [
        typed(k) for k in ("requests", "errors", "error-rate", "budget-eur", "maintenance",
                           "build-id", "missing")])}
    assert counters == {"requests": 1_284_311, "errors": 42, "error-rate": 0.0327,
                        "budget-eur": decimal.Decimal("12500.75"), "maintenance": False,
                        "build-id": uuid.UUID("6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e")}


def test_a_complex_object_reads_as_a_field_tree(client: IgniteClient) -> None:
    entry = client.get("people", typed("7", "int"))
    assert entry is not None
    data = entry.to_json()
    assert data["value_type"] == "Person"
    assert set(data["value"]) == {"id", "name", "email", "salary", "active", "joined", "address"}
    assert data["value"]["id"] == 7
    assert set(data["value"]["address"]) == {"street", "city", "zip"}
    assert isinstance(data["value"]["joined"], dt.datetime)


def test_keys_are_typed(client: IgniteClient) -> None:
    """Int 7 is a key of ``people``; Long 7 and String "7" are not."""
    assert client.contains_key("people", typed("7", "int"))
    assert not client.contains_key("people", typed("7", "long"))
    assert client.get("people", typed("7", "string")) is None


@pytest.mark.parametrize(("kind", "text", "expected"), [
    ("string", "plain text", "plain text"),
    ("long", "9007199254740993", 9007199254740993),
    ("int", "-5", -5),
    ("double", "0.125", 0.125),
    ("boolean", "true", True),
    ("uuid", "00000000-0000-4000-8000-000000000001", uuid.UUID(int=(1 << 78) | (1 << 63) | 1)),
    ("decimal", "-12.345", decimal.Decimal("-12.345")),
    ("json", '{"ok": true}', '{"ok": true}'),
])
def test_put_with_a_type_hint_round_trips(client: IgniteClient, kind: str, text: str,
                                          expected: object) -> None:
    client.put("greetings", typed(f"typed-{kind}"), typed(text, kind))
    entry = client.get("greetings", typed(f"typed-{kind}"))
    assert entry is not None and entry.value == expected
    client.remove_key("greetings", typed(f"typed-{kind}"))


def test_put_a_timestamp_reads_back_the_same_instant(client: IgniteClient) -> None:
    client.put("greetings", typed("when"), typed("2026-03-01T10:00:00.250+02:00", "timestamp"))
    entry = client.get("greetings", typed("when"))
    assert entry is not None
    assert entry.to_json()["value"] == dt.datetime(2026, 3, 1, 8, 0, 0, 250000,
                                                   tzinfo=dt.timezone.utc)


def test_put_all_replace_remove_and_size(client: IgniteClient) -> None:
    client.create_cache(CacheSpec("kv-ops"), if_absent=True)
    assert client.put_all("kv-ops", [(typed(f"k{i}"), typed(str(i), "int")) for i in range(5)]) == 5
    assert client.get_size("kv-ops") == 5
    assert client.replace("kv-ops", typed("k1"), typed("100", "int"))
    assert not client.replace("kv-ops", typed("nope"), typed("1", "int"))
    assert client.get("kv-ops", typed("k1")).value == 100  # type: ignore[union-attr]
    assert client.remove_key("kv-ops", typed("k0"))
    assert not client.remove_key("kv-ops", typed("k0"))
    client.remove_keys("kv-ops", [typed("k2"), typed("k3")])
    assert sorted(e.key for e in client.scan("kv-ops")) == ["k1", "k4"]
    client.destroy_cache("kv-ops")


def test_create_with_configuration_then_get_or_create_keeps_it(client: IgniteClient) -> None:
    entity = QueryEntity("ORDERS", "java.lang.Long", "Order",
                         [QueryField("ID", "java.lang.Long", True),
                          QueryField("TOTAL", "java.math.BigDecimal", False)])
    spec = CacheSpec("orders", mode="replicated", backups=1, atomicity="transactional",
                     sql_schema="SHOP", entities=[entity])
    made = client.create_cache(spec)
    assert (made.mode, made.backups, made.atomicity, made.sql_schema) == (
        "replicated", 1, "transactional", "SHOP")
    assert [f.name for f in made.entities[0].fields] == ["ID", "TOTAL"]
    again = client.create_cache(CacheSpec("orders"), if_absent=True)
    assert again.mode == "replicated"
    with pytest.raises(Conflict, match="already exists"):
        client.create_cache(CacheSpec("orders"))
    client.destroy_cache("orders")
    assert "orders" not in client.cache_names()


def test_unknown_cache_is_not_found(client: IgniteClient) -> None:
    with pytest.raises(NotFound, match="Cache does not exist"):
        client.get("no-such-cache", typed("k"))
    with pytest.raises(NotFound):
        client.cache_info("no-such-cache")
    with pytest.raises(NotFound):
        client.destroy_cache("no-such-cache")


def test_bad_cache_configuration_is_refused_before_sending(client: IgniteClient) -> None:
    with pytest.raises(BadQuery, match="mode must be"):
        client.create_cache(CacheSpec("x", mode="mirrored"))
    with pytest.raises(BadQuery, match="backups"):
        client.create_cache(CacheSpec("x", backups=-1))
    assert "x" not in client.cache_names()


def test_scan_reads_every_entry_once_in_pages(client: IgniteClient) -> None:
    with client.scan("telemetry", page_size=700) as scan:
        sizes, keys = [], set()
        while page := scan.next_page():
            sizes.append(len(page))
            keys.update(e.key for e in page)
    assert sizes == [700, 700, 700, 700, 200]
    assert keys == set(range(3000))
    assert scan.node is not None


def test_a_scan_of_an_sql_table_reads_rows_as_objects(client: IgniteClient) -> None:
    entries = list(client.scan("SQL_PUBLIC_CITY"))
    assert len(entries) == 8
    first = entries[0].to_json()
    assert first["key"] == 3793
    assert first["value"] == {"NAME": "New York", "COUNTRY": "USA", "POPULATION": 8008278}


def test_read_only_profile_refuses_every_write_and_audits_it(cluster: Cluster,
                                                              fleet_home: object) -> None:
    from console import profiles

    profiles.load("local")
    with cluster.client(read_only=True, profile="local") as ro:
        assert ro.get("greetings", typed("en")) is not None  # reads still work
        for write in (lambda: ro.put("greetings", typed("x"), typed("y")),
                      lambda: ro.remove_key("greetings", typed("en")),
                      lambda: ro.create_cache(CacheSpec("ro-made")),
                      lambda: ro.destroy_cache("greetings"),
                      lambda: ro.sql("DELETE FROM city")):
            with pytest.raises(ReadOnlyRefused):
                write()
    assert "ro-made" not in cluster.client().cache_names()
    refused = [e for e in audit.read("local") if e.outcome.startswith("refused")]
    assert {e.action for e in refused} >= {"cache.put", "cache.remove", "cache.create",
                                          "cache.destroy", "sql.write"}


def test_writes_are_audited_with_outcome(cluster: Cluster, fleet_home: object) -> None:
    from console import profiles

    profiles.load("local")
    with cluster.client(profile="local") as writer:
        writer.put("greetings", typed("audited"), typed("yes"))
        with pytest.raises(NotFound):
            writer.put("no-such-cache", typed("k"), typed("v"))
    entries = audit.read("local")
    assert any(e.action == "cache.put" and e.target == "greetings:audited" and e.outcome == "ok"
               for e in entries)
    assert any(e.target == "no-such-cache:k" and e.outcome.startswith("failed")
               for e in entries)
    assert not any("yes" in (e.target + e.outcome) for e in entries)  # never a value written
