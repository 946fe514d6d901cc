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


def test_an_index_made_at_start_answers_as_a_scan_across_writes() -> None:
    store = Store()
    seed(store, devices=120)
    cache = QueryCache(store)
    default = "$orderby=device_name asc,id asc&$top=25&$skip=5"
    cache.index("device", parse_query(default).orderby)
    rows = list(store.rows("device"))
    writes = [
        lambda: None,
        lambda: store.update("device", rows[3], {"is_online": not rows[3]["is_online"]}),
        lambda: store.update("device", rows[50], {"device_name": "aaa-first"}),
        lambda: store.update("device", rows[9], {"device_name": None}),
        lambda: store.insert("device", {**rows[0], "id": 999, "device_name": "aaa-first"}),
    ]
    for write in writes:
        write()
        assert cached(cache, default) == fresh(store, default)


def test_the_stored_field_key_orders_as_the_general_one() -> None:
    """Two stored fields read straight from the row sort as a closure per node does,
    NULLs last ascending and first descending."""
    from console.sandbox.balena.evaluate import Compiler, _key, _row_key

    store = Store()
    seed(store, devices=60)
    rows = list(store.rows("device"))
    for i in range(0, 60, 7):
        store.update("device", rows[i], {"os_version": None})
    orderby = parse_query("$orderby=os_version desc,id desc").orderby
    fns = [Compiler(store).compile(node, "device") for node, _ in orderby]
    fast = _row_key("device", orderby, fns)
    assert [fast(r) for r in rows] == [
        tuple(part for fn in fns for part in _key(fn(r, {}))) for r in rows]
