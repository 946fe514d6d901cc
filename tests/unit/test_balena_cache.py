"""The stand-in's query cache answers exactly what a fresh scan would, after any write."""

from __future__ import annotations

from console.sandbox.balena.cache import QueryCache
from console.sandbox.balena.evaluate import select_rows
from console.sandbox.balena.parser import parse_query
from console.sandbox.balena.seed import seed
from console.sandbox.balena.store import Store

QUERIES = [
    "$filter=is_online eq true&$orderby=device_name asc,id asc&$top=20&$skip=10",
    "$orderby=device_name desc,id desc&$top=15",
    "$filter=contains(device_name,'sensor')&$orderby=last_connectivity_event asc&$top=5",
    "$filter=belongs_to__application/any(a:a/slug eq 'lab%2Fkiosks')&$orderby=id asc&$top=7",
    "$filter=overall_status eq 'disconnected'&$top=9",
]


def fresh(store: Store, raw: str) -> list[int]:
    options = parse_query(raw)
    return [r["id"] for r in select_rows(store, "device", store.rows("device"), options, {})]


def cached(cache: QueryCache, raw: str) -> list[int]:
    return [r["id"] for r in cache.select("device", parse_query(raw), {})]


def test_cache_matches_a_fresh_scan_across_writes() -> None:
    store = Store()
    seed(store, devices=120)
    cache = QueryCache(store)
    rows = list(store.rows("device"))
    writes = [
        lambda: store.update("device", rows[3], {"is_online": not rows[3]["is_online"]}),
        lambda: store.update("device", rows[50], {"device_name": "aaa-first"}),
        lambda: store.update("device", rows[7], {"last_connectivity_event": "2000-01-01"}),
        lambda: store.update("application", store.get("application", 3), {"slug": "lab/renamed"}),
        lambda: store.insert("device", {**rows[0], "id": 999, "device_name": "zzz"}),
    ]
    for write in [lambda: None, *writes]:
        write()
        for raw in QUERIES:
            for _ in range(3):  # heap on first ask, full sort on second, cached on third
                assert cached(cache, raw) == fresh(store, raw), raw
