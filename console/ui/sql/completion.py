"""What the SQL editor offers to complete: keywords, schemas, tables and columns.

Pure logic, no widgets: given the text before the cursor and the catalog of
the selected database (``client.catalog(db)``), return the word being typed
and the candidates for it. ``schema.`` offers that schema's relations and
``table.`` (or ``schema.table.``) that relation's columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


KEYWORDS: tuple[str, ...] = tuple(_words("""
select from where group by order having limit offset join left right inner outer full cross
on using and or not null is in exists between like ilike similar as distinct all any union
intersect except insert into values update set delete returning create table view index
materialized schema database drop alter rename to add column constraint primary key foreign
references unique check default cascade restrict truncate begin commit rollback savepoint
with recursive case when then else end cast true false asc desc nulls first last explain
analyze verbose grant revoke vacuum copy lateral window over partition filter fetch next
rows only temporary temp if sequence function returns language trigger extension
count sum avg min max coalesce nullif greatest least now current_date current_timestamp
date_trunc extract interval text integer bigint smallint numeric boolean timestamp timestamptz
jsonb json uuid varchar serial bigserial array_agg string_agg row_number rank lower upper
length substring replace generate_series pg_sleep
"""))

RESERVED: frozenset[str] = frozenset(_words("""
all analyse analyze and any array as asc asymmetric authorization binary both case cast check
collate collation column concurrently constraint create cross current_catalog current_date
current_role current_schema current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign freeze from full grant group having ilike in
initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary
references returning right select session_user similar some symmetric system_user table
tablesample then to trailing true union unique user using variadic verbose when where window with
"""))
"""PostgreSQL's reserved words: a name spelled like one must be quoted."""

_IDENTIFIER = re.compile(r'(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]*"?)$')
_QUALIFIED = re.compile(
    r'((?:(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")\.){1,2})((?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]*)?)$'
)
_PLAIN = re.compile(r"^[a-z_][a-z0-9_$]*$")
_ALIAS = re.compile(
    r'\b(?:from|join)\s+((?:[A-Za-z_][\w$]*|"[^"]+")(?:\.(?:[A-Za-z_][\w$]*|"[^"]+"))?)'
    r'(?:\s+as)?\s+([A-Za-z_][\w$]*)',
    re.IGNORECASE,
)
_KIND_ORDER = {"column": 0, "table": 1, "schema": 2, "keyword": 3}

Catalog = Mapping[str, Mapping[str, Sequence[object]]]
"""schema → relation → columns (``Column`` records or plain names)."""


@dataclass(frozen=True)
class Candidate:
    """One completion: what to insert, and what it is (shown beside it)."""

    text: str
    kind: str
    detail: str = ""


def quote_ident(name: str) -> str:
    """Quote ``name`` when SQL would otherwise fold or reject it."""
    if _PLAIN.match(name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def _unquote(part: str) -> str:
    if part.startswith('"'):
        return part.strip('"').replace('""', '"')
    return part.lower()


def _column_name(column: object) -> tuple[str, str]:
    name = getattr(column, "name", column)
    return str(name), str(getattr(column, "data_type", ""))


def aliases(statement: str) -> dict[str, str]:
    """Return ``alias → relation`` for ``FROM x a`` / ``JOIN s.x AS a`` in ``statement``."""
    found = {}
    for relation, alias in _ALIAS.findall(statement):
        if alias.lower() not in RESERVED:
            found[alias.lower()] = relation
    return found


def _qualified(qualifier: str, catalog: Catalog, statement: str) -> list[Candidate]:
    qualifier = qualifier.rstrip(".")
    qualifier = aliases(statement).get(qualifier.lower(), qualifier)
    parts = [_unquote(p) for p in re.findall(r'"[^"]+"|[^.]+', qualifier)]
    if len(parts) == 1 and parts[0] in catalog:
        return [Candidate(quote_ident(rel), "table", parts[0]) for rel in catalog[parts[0]]]
    schemas = [parts[0]] if len(parts) == 2 else list(catalog)
    table = parts[-1]
    found = []
    for schema in schemas:
        for column in catalog.get(schema, {}).get(table, ()):
            name, data_type = _column_name(column)
            found.append(Candidate(quote_ident(name), "column", data_type))
    return found


def _unqualified(catalog: Catalog) -> Iterable[Candidate]:
    for schema, relations in catalog.items():
        yield Candidate(quote_ident(schema), "schema")
        for relation, columns in relations.items():
            shown = relation if schema == "public" else f"{schema}.{relation}"
            yield Candidate(quote_ident(relation), "table", shown)
            for column in columns:
                name, data_type = _column_name(column)
                yield Candidate(quote_ident(name), "column", f"{relation}.{name} {data_type}")


def _keywords(prefix: str) -> Iterable[Candidate]:
    upper = prefix[:1].isupper()
    for word in KEYWORDS:
        yield Candidate(word.upper() if upper else word, "keyword")


def complete(
    before_cursor: str, catalog: Catalog | None, *, statement: str = "", limit: int = 50
) -> tuple[str, list[Candidate]]:
    """Return the word being typed and its candidates, best first.

    Args:
        before_cursor: The editor's text up to the cursor (the current line is enough).
        catalog: The selected database's catalog, or ``None`` before it has loaded.
        statement: The whole statement under the cursor, to resolve table aliases.
        limit: The most candidates to return.

    Returns:
        ``(prefix, candidates)``: ``prefix`` is the text the chosen candidate replaces.
    """
    catalog = catalog or {}
    qualified = _QUALIFIED.search(before_cursor)
    if qualified:
        prefix = qualified.group(2)
        pool: Iterable[Candidate] = _qualified(qualified.group(1), catalog, statement)
    else:
        match = _IDENTIFIER.search(before_cursor)
        prefix = match.group(0) if match else ""
        if not prefix:
            return "", []
        pool = [*_unqualified(catalog), *_keywords(prefix)]
    wanted = _unquote(prefix) if prefix.startswith('"') else prefix.lower()
    seen: set[tuple[str, str]] = set()
    matches = []
    for candidate in pool:
        bare = _unquote(candidate.text)
        key = (candidate.text, candidate.kind)
        if bare.startswith(wanted) and bare != wanted and key not in seen:
            seen.add(key)
            matches.append(candidate)
    matches.sort(key=lambda c: (_KIND_ORDER[c.kind], len(c.text), c.text))
    return prefix, matches[:limit]
