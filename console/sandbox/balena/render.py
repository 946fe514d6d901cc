"""Shape rows for the wire: ``$select``, ``{"__id"}`` links and ``$expand``ed arrays (§3, §7)."""

from __future__ import annotations

from typing import Any

from console.sandbox.balena.computed import getter
from console.sandbox.balena.evaluate import Compiler, UnknownField, select_rows
from console.sandbox.balena.query import Expand, Options
from console.sandbox.balena.store import Row, Store


class Renderer:
    """Renders rows of one request; ``params`` are its ``@alias`` values."""

    def __init__(self, store: Store, params: dict[str, Any]) -> None:
        self.store = store
        self.params = params

    def rows(self, resource: str, rows: list[Row], options: Options) -> list[dict[str, Any]]:
        """Render rows with the request's select and expand."""
        fields = self._fields(resource, options)
        expands = {item.path: item for item in options.expand}
        for path in expands:
            if not self.store.resource(resource).knows(path):
                raise UnknownField(path)
        readers = [(f, getter(self.store, resource, f)) for f in fields if f not in expands]
        links = self.store.resource(resource).to_one
        out = []
        for row in rows:
            item: dict[str, Any] = {}
            for field, read in readers:
                value = read(row)
                item[field] = (
                    ({"__id": value} if value is not None else None) if field in links else value
                )
            for path, expand in expands.items():
                item[path] = self._expand(resource, row, expand)
            out.append(item)
        return out

    def _fields(self, resource: str, options: Options) -> list[str]:
        schema = self.store.resource(resource)
        if options.select is None:
            return [*schema.fields, *schema.to_one]
        for field in options.select:
            if (
                field not in schema.fields
                and field not in schema.to_one
                and field not in schema.reverse
            ):
                raise UnknownField(field)
        return list(options.select)

    def _expand(self, resource: str, row: Row, expand: Expand) -> Any:
        compiler = Compiler(self.store, self.params)
        target, related = compiler.related((expand.path,), resource, {})
        children = related(row, {})
        if expand.count:
            if expand.options.filter is None:
                return len(children)
            cond = compiler.compile(expand.options.filter, target)
            return sum(1 for child in children if cond(child, {}))
        picked = select_rows(self.store, target, children, expand.options, self.params)
        return self.rows(target, picked, expand.options)
