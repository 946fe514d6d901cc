"""Results of recent filters and sorts, valid until a field they read changes.

The real API answers from PostgreSQL indexes; the stand-in scans Python dicts.
Keeping the matched rows of a filter (shared by the page and its ``$count``) and,
once a query is paged a second time, its full ordering, gives the stand-in
index-like speed on 100,000 devices without changing what it answers. An entry
depends only on the fields its filter and order read, so the simulator flipping
``is_online`` does not throw away an ordering by name.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from console.sandbox.balena.computed import COMPUTED
from console.sandbox.balena.evaluate import select_rows
from console.sandbox.balena.query import Bin, Bool, Call, In, Not, Options, Path
from console.sandbox.balena.store import Row, Store

SIZE = 32


class QueryCache:
    """Filtered (and ordered) full-table rows by query, while the fields they read hold."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._matched: OrderedDict[Any, tuple[Any, list[Row]]] = OrderedDict()
        self._ordered: OrderedDict[Any, tuple[Any, list[Row]]] = OrderedDict()
        self._asked: set[Any] = set()

    def _stamp(self, resource: str, nodes: list[Any]) -> Any:
        """The versions of everything the nodes read (the whole store when unsure)."""
        fields: set[str] = set()
        if not all(_fields(node, fields) for node in nodes):
            return ("all", self.store.version)
        if any((resource, f) in COMPUTED for f in fields):
            return ("all", self.store.version)
        versions = self.store.field_versions
        return (
            self.store.row_versions[resource],
            tuple(sorted((f, versions[(resource, f)]) for f in fields)),
        )

    def select(self, resource: str, options: Options, params: dict[str, Any]) -> list[Row]:
        """The page ``options`` asks for, out of every row of ``resource``."""
        frozen = tuple(sorted(params.items()))
        order_nodes = [node for node, _ in options.orderby]
        stamp = self._stamp(resource, [options.filter])
        matched = self._remember(
            self._matched,
            (resource, options.filter, frozen),
            stamp,
            lambda: self._filter(resource, options, params),
        )
        if not options.orderby:
            return select_rows(self.store, resource, matched, _page(options), params)
        key = (resource, options.filter, options.orderby, frozen)
        full_stamp = (stamp, self._stamp(resource, order_nodes))
        cached = self._ordered.get(key)
        if cached is not None and cached[0] == full_stamp:
            self._ordered.move_to_end(key)
            return _slice(cached[1], options)
        if (key, full_stamp) not in self._asked:  # first time: a top-k heap beats a full sort
            if len(self._asked) > 1000:
                self._asked.clear()
            self._asked.add((key, full_stamp))
            return select_rows(
                self.store, resource, matched, _page(options, keep_order=True), params
            )
        whole = select_rows(self.store, resource, matched, Options(orderby=options.orderby), params)
        return _slice(self._remember(self._ordered, key, full_stamp, lambda: whole), options)

    def index(self, resource: str, orderby: tuple[tuple[Any, str], ...]) -> None:
        """Order every row of ``resource`` now, as a database keeps an index before any query.

        The first unfiltered page in that order is then a slice, not a scan; the
        ordering stays while the fields it reads do (renames and new rows rebuild it).
        """
        options = Options(orderby=orderby)
        key = (resource, None, orderby, ())
        stamp = (self._stamp(resource, [None]), self._stamp(resource, [n for n, _ in orderby]))
        whole = select_rows(self.store, resource, self.store.rows(resource), options, {})
        self._remember(self._ordered, key, stamp, lambda: whole)

    def _filter(self, resource: str, options: Options, params: dict[str, Any]) -> list[Row]:
        rows = self.store.rows(resource)
        if options.filter is None:
            return list(rows)
        return select_rows(self.store, resource, rows, Options(filter=options.filter), params)

    @staticmethod
    def _remember(
        cache: OrderedDict[Any, tuple[Any, list[Row]]], key: Any, stamp: Any, make: Any
    ) -> list[Row]:
        held = cache.get(key)
        if held is not None and held[0] == stamp:
            cache.move_to_end(key)
            return held[1]
        value: list[Row] = make()
        cache[key] = (stamp, value)
        cache.move_to_end(key)
        while len(cache) > SIZE:
            cache.popitem(last=False)
        return value


def _fields(node: Any, into: set[str]) -> bool:
    """Collect the plain fields a node reads; False when it follows a navigation."""
    if node is None:
        return True
    if isinstance(node, Path):
        into.add(node.parts[0])
        return len(node.parts) == 1
    if isinstance(node, Bin):
        return _fields(node.left, into) and _fields(node.right, into)
    if isinstance(node, Bool):
        return all(_fields(item, into) for item in node.items)
    if isinstance(node, Not):
        return _fields(node.expr, into)
    if isinstance(node, In):
        return _fields(node.left, into)
    if isinstance(node, Call):
        return all(_fields(arg, into) for arg in node.args)
    return type(node).__name__ in ("Lit", "Param")


def _page(options: Options, *, keep_order: bool = False) -> Options:
    return Options(
        orderby=options.orderby if keep_order else (), top=options.top, skip=options.skip
    )


def _slice(rows: list[Row], options: Options) -> list[Row]:
    skip = options.skip or 0
    return rows[skip : None if options.top is None else skip + options.top]
