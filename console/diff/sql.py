"""The same query on two profiles' PostgreSQL: rows only on one side, cells that differ.

Rows are paired by a key: the columns the operator names, else the primary
key when the query scans one table (and both sides agree on it), else the
whole row (a multiset: duplicates count). Both results stream in hash order
(``sql_text.ordered_sql``) and are merged a group at a time, so memory holds
a page of each side and the differing rows kept to show, whatever the size.
A key that turns out not to be unique is dropped for whole rows, with a note.
"""

from __future__ import annotations

from collections.abc import Sequence

from console.backends.sql import ResultColumn
from console.clients import Clients
from console.diff import sql_text
from console.diff.merge import DuplicateKey, KeyedMatch, WholeRowMatch, groups, merged
from console.diff.model import Comparison
from console.diff.sql_side import PAGE, SqlSide
from console.diff.tally import DEFAULT_LIMIT, Tally
from console.errors import BadQuery

WHOLE_ROWS = "whole rows (no key: name one with --key)"


class ColumnPlan:
    """The columns both results share, and what differs between them."""

    def __init__(self, a: SqlSide, b: SqlSide, found: tuple[list[ResultColumn],
                                                            list[ResultColumn]]) -> None:
        names_a = [c.name for c in found[0]]
        names_b = [c.name for c in found[1]]
        for side, names in ((a, names_a), (b, names_b)):
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise BadQuery(f"the result on {side.profile} has more than one column named "
                               f"{', '.join(twice)}: name them apart (AS) to compare",
                               operation="compare")
        self.columns = [n for n in names_a if n in names_b]
        if not self.columns:
            raise BadQuery(f"the results share no column: {a.profile} has "
                           f"{', '.join(names_a)}; {b.profile} has {', '.join(names_b)}",
                           operation="compare")
        self.notes = [f"column {n} only on {a.profile}" for n in names_a if n not in names_b]
        self.notes += [f"column {n} only on {b.profile}" for n in names_b if n not in names_a]
        types_b = {c.name: c.type_name for c in found[1]}
        self.notes += [f"column {c.name} is {c.type_name} on {a.profile}, "
                       f"{types_b[c.name]} on {b.profile}"
                       for c in found[0] if c.name in types_b and types_b[c.name] != c.type_name]
        self.differs = bool(self.notes)


class SqlDiff:
    """Compare one query's rows on two profiles (blocking; run it in a thread).

    Args:
        a: The first profile's registry (the operator's current one).
        b: The second profile's registry.
        limit: Differing rows to keep for display; all are counted.
        page: Rows per round trip on each side.
    """

    def __init__(self, a: Clients, b: Clients, *, limit: int = DEFAULT_LIMIT,
                 page: int = PAGE) -> None:
        self.a, self.b = a, b
        self.limit = limit
        self.page = page
        self._sides: list[SqlSide] = []

    def run(self, sql: str, *, database: str | None = None,
            keys: Sequence[str] = ()) -> Comparison:
        """Compare the rows ``sql`` returns on both profiles.

        Args:
            sql: One query that reads rows (SELECT, WITH, VALUES, TABLE).
            database: The database on both sides; ``None``: each profile's default.
            keys: Columns that identify a row; empty: the primary key, else whole rows.

        Raises:
            BadQuery: not one read-only query, a key column the results lack, or
                results that share no column.
            Cancelled: ``cancel()`` was called.
            ConsoleError: a side failed (its ``profile`` says which).
        """
        query = sql_text.only_query(sql)
        sides = (SqlSide(self.a, database, page=self.page),
                 SqlSide(self.b, database, page=self.page))
        self._sides = list(sides)
        try:
            for side in sides:
                side.open()
            plan = ColumnPlan(*sides, (sides[0].columns(query), sides[1].columns(query)))
            key, matched_by, notes = self._key(sides, query, plan, keys)
            return self._compare(sides, query, plan, key, matched_by, notes)
        finally:
            for side in sides:
                side.close()

    def _key(self, sides: tuple[SqlSide, SqlSide], query: str, plan: ColumnPlan,
             keys: Sequence[str]) -> tuple[list[str], str, list[str]]:
        if keys:
            missing = [k for k in keys if k not in plan.columns]
            if missing:
                raise BadQuery(f"--key {', '.join(missing)}: not a column of both results "
                               f"(they share {', '.join(plan.columns)})", operation="compare")
            return list(keys), f"key ({', '.join(keys)})", []
        found = [side.primary_key(query) for side in sides]
        if found[0] and found[0] == found[1] and set(found[0]) <= set(plan.columns):
            return list(found[0]), f"primary key ({', '.join(found[0])})", []
        if found[0] != found[1]:
            return [], WHOLE_ROWS, [f"the primary keys differ: ({', '.join(found[0])}) on "
                                    f"{sides[0].profile}, ({', '.join(found[1])}) on "
                                    f"{sides[1].profile}"]
        return [], WHOLE_ROWS, []

    def _compare(self, sides: tuple[SqlSide, SqlSide], query: str, plan: ColumnPlan,
                 key: list[str], matched_by: str, notes: list[str]) -> Comparison:
        try:
            return self._merge(sides, query, plan, key, matched_by, notes)
        except DuplicateKey as duplicate:
            notes = [*notes, f"{matched_by} is not unique ({duplicate.describe(key)}): "
                             "compared whole rows"]
            return self._merge(sides, query, plan, [], WHOLE_ROWS, notes)

    def _merge(self, sides: tuple[SqlSide, SqlSide], query: str, plan: ColumnPlan,
               key: list[str], matched_by: str, notes: list[str]) -> Comparison:
        ordered = sql_text.ordered_sql(query, plan.columns, key)
        index = [plan.columns.index(k) for k in key]
        match = KeyedMatch(index, (sides[0].profile, sides[1].profile)) if key \
            else WholeRowMatch()
        tally = Tally(self.limit)
        streams = [side.stream(ordered) for side in sides]
        try:
            for rows_a, rows_b in merged(groups(streams[0]), groups(streams[1])):
                match.add(tally, rows_a, rows_b)
        finally:
            for stream in streams:
                stream.close()  # a merge cut short ends its runs now, not at collection
        comparison = Comparison("sql", " ".join(query.split()), sides[0].side, sides[1].side,
                                list(plan.columns), index, matched_by,
                                notes=plan.notes + notes, schema_differs=plan.differs)
        return tally.into(comparison)

    def cancel(self) -> None:
        """Stop both sides' statements (from any thread); ``run`` raises ``Cancelled``."""
        for side in self._sides:
            side.cancel()
