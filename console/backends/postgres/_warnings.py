"""Statements worth a second look before they run, on any profile: drops, truncates,
and updates or deletes without ``WHERE``.

Read from the parse tree, so ``delete from t -- where id = 1`` is seen for what
it is (every row) and ``select 'drop table t'`` is not a drop. A statement the
parser refuses gets no warning: the server will refuse it too.
"""

from __future__ import annotations

from console.backends.postgres._parse import Node, names, parse, walk
from console.backends.postgres._plain import plain_read

_DROPPED_COLUMNS = {"AT_DropColumn": "column", "AT_DropConstraint": "constraint"}


def warnings_for(sql: str) -> list[str]:
    """Say what in ``sql`` destroys data or objects, one sentence per finding.

    Args:
        sql: One statement or several.

    Returns:
        E.g. ``["drops table t", "deletes every row of orders (no WHERE)"]``;
        empty when nothing is destructive or the text does not parse.
    """
    found: list[str] = []
    if plain_read(sql) is not None:  # a plain SELECT destroys nothing
        return found
    for statement in parse(sql).statements:
        for kind, body in walk(statement):
            warning = _warning(kind, body)
            if warning and warning not in found:
                found.append(warning)
    return found


def _warning(kind: str, body: Node) -> str | None:
    if kind == "DropStmt":
        what = str(body.get("removeType", "OBJECT_")).removeprefix("OBJECT_").lower()
        return f"drops {what.replace('_', ' ')} {_objects(body.get('objects', []))}".rstrip()
    if kind == "DropdbStmt":
        return f"drops database {body.get('dbname', '')}"
    if kind in ("DropRoleStmt", "DropOwnedStmt", "DropTableSpaceStmt", "DropSubscriptionStmt"):
        return f"drops {kind.removeprefix('Drop').removesuffix('Stmt').lower()}"
    if kind == "TruncateStmt":
        return f"truncates {_relations(body.get('relations', []))}"
    if kind == "AlterTableCmd" and body.get("subtype") in _DROPPED_COLUMNS:
        return f"drops {_DROPPED_COLUMNS[body['subtype']]} {body.get('name', '')}".rstrip()
    if kind in ("UpdateStmt", "DeleteStmt") and "whereClause" not in body:
        verb = "updates" if kind == "UpdateStmt" else "deletes"
        return f"{verb} every row of {_name(body.get('relation', {}))} (no WHERE)"
    return None


def _name(relation: Node) -> str:
    return ".".join(p for p in (relation.get("schemaname"), relation.get("relname")) if p)


def _relations(items: list[Node]) -> str:
    return ", ".join(_name(item.get("RangeVar", {})) for item in items)


def _objects(items: list[Node]) -> str:
    """Name dropped objects: ``[List[String…]]`` for tables, a bare ``String`` for schemas."""
    parts = []
    for item in items:
        if "List" in item:
            parts.append(".".join(names(item["List"].get("items"))))
        elif "ObjectWithArgs" in item:
            parts.append(".".join(names(item["ObjectWithArgs"].get("objname"))))
        elif "String" in item:
            parts.append(item["String"].get("sval", ""))
    return ", ".join(p for p in parts if p)
