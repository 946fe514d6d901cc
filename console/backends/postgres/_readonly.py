"""Read-only that no SQL can switch off: what is refused, and the transaction the server holds.

Two walls, each enough on its own for data:

1. Before sending, the statement's parse tree (``_parse``) must be one
   statement of a kind that reads (SELECT, EXPLAIN, SHOW, SET of a harmless
   setting, COPY … TO STDOUT, cursors), with no data-modifying part and no call
   of a function that acts outside the transaction (``pg_terminate_backend``,
   ``nextval``, ``dblink_exec``, large objects, advisory locks, server files…).
   Transaction control, ``PREPARE``/``EXECUTE``, ``DO`` and ``CALL`` are refused:
   they could end or re-open the transaction the console holds.
2. The statement then runs inside a transaction the console opens itself,
   made read-only and pinned there by taking its first snapshot before the
   operator's statement arrives (PostgreSQL lets ``SET TRANSACTION READ WRITE``
   through until the first query of a transaction, and refuses it after). It
   is rolled back afterwards, unless the statement was a ``SET`` that must last.
   The connection also starts with ``default_transaction_read_only=on``.

What a function or view does inside the server (a ``SECURITY DEFINER`` function
that writes, say) cannot be read from the text; the server's read-only
transaction refuses its writes. Effects outside any transaction hidden in
user code are not caught: pair a read-only profile with a read-only role.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2.extensions

from console.backends.postgres._errors import map_pg_errors
from console.backends.postgres._parse import Node, function_names, names, node_type, walk
from console.errors import ReadOnlyRefused

ALLOWED = frozenset({
    "SelectStmt", "ExplainStmt", "VariableShowStmt", "VariableSetStmt", "CopyStmt",
    "DeclareCursorStmt", "FetchStmt", "ClosePortalStmt",
})
"""Statement types a read-only profile may send (their insides are checked too)."""

OUTSIDE_FUNCTIONS = frozenset({
    "pg_terminate_backend", "pg_cancel_backend", "pg_signal_backend", "pg_reload_conf",
    "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
    "pg_log_backend_memory_contexts", "pg_start_backup", "pg_stop_backup",
    "pg_import_system_collations", "pg_stat_statements_reset", "pg_sequence_last_value_set",
    "setval", "nextval", "pg_notify", "set_config", "lowrite", "loread",
    "pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_logdir_ls",
    "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "ts_stat",
    "txid_current", "pg_current_xact_id",
})
"""Functions whose effect outlives or escapes the transaction, or that run SQL given as text."""
OUTSIDE_PREFIXES = (
    "dblink", "lo_", "pg_advisory", "pg_try_advisory", "pg_file_", "pg_ls_", "pg_stat_reset",
    "pg_replication_", "pg_wal_", "pg_backup_", "pg_logical_", "pg_create_", "pg_drop_",
    "pg_copy_",
)
"""Families of such functions: dblink, large objects, advisory locks, server files, WAL…"""

GUARDED_SETTINGS = frozenset({
    "default_transaction_read_only", "transaction_read_only", "transaction_isolation",
    "default_transaction_isolation", "transaction_deferrable", "default_transaction_deferrable",
    "standard_conforming_strings", "backslash_quote", "client_encoding",
    "session_authorization",
})
"""Settings a read-only session may not change: the transaction's mode, and how text is
read (the parser here and the server must see the same statements)."""


def called_name(body: Node) -> str:
    """The last part of a ``FuncCall``'s name, lower-cased."""
    called = names(body.get("funcname"))
    return called[-1].lower() if called else ""


def is_outside(name: str) -> bool:
    """Does a function of this name act outside the transaction?"""
    return name in OUTSIDE_FUNCTIONS or name.startswith(OUTSIDE_PREFIXES)


def side_effect_call(statement: Node) -> str | None:
    """Return the first function called in ``statement`` that acts outside the transaction."""
    return next((name for name in function_names(statement) if is_outside(name)), None)


def flips_read_only(body: Node) -> bool:
    """Does a ``SET``/``BEGIN`` body name a read-only setting, or ask for ``READ WRITE``?"""
    name = str(body.get("name", "")).lower()
    if name in ("default_transaction_read_only", "transaction_read_only"):
        return True
    for option in [*body.get("args", []), *body.get("options", [])]:
        element = option.get("DefElem") or {}
        if element.get("defname") == "transaction_read_only":
            constant = (element.get("arg") or {}).get("A_Const", {})
            if not constant.get("ival", {}).get("ival"):  # READ WRITE is 0, left out of JSON
                return True
    return False


def executed(statement: Node) -> Node | None:
    """The part of a statement that runs: ``EXPLAIN`` without ``ANALYZE`` runs nothing."""
    body = statement.get("ExplainStmt")
    if body is None:
        return statement
    for option in body.get("options", []):
        element = option.get("DefElem") or {}
        if element.get("defname") == "analyze" and _on(element.get("arg")):
            return body.get("query")
    return None


def _on(arg: Node | None) -> bool:
    """A boolean option's value; anything not plainly off counts as on (it may run)."""
    if arg is None:
        return True
    if "Integer" in arg:
        return bool(arg["Integer"].get("ival"))
    if "Boolean" in arg:
        return bool(arg["Boolean"].get("boolval"))
    word = arg.get("String", {}).get("sval")
    return word is None or word.lower() not in ("off", "false", "no", "0")


def refusal(statements: list[Node], keyword: str) -> str | None:
    """Say why a read-only profile refuses these statements, or ``None`` if they may run."""
    if len(statements) != 1:
        return (f"{len(statements)} statements in one text: a read-only profile runs "
                "one statement at a time")
    statement = statements[0]
    kind = node_type(statement)
    body = statement[kind]
    if kind not in ALLOWED:
        return _refused_type(kind, keyword)
    runs = executed(statement)
    if runs is None:
        return None
    return _inside(kind, body, runs) or _called(runs)


def _refused_type(kind: str, keyword: str) -> str:
    if kind == "TransactionStmt":
        return ("transaction control is refused: on a read-only profile every statement "
                "already runs in a read-only transaction of its own")
    if kind in ("PrepareStmt", "ExecuteStmt", "DeallocateStmt"):
        return "prepared statements (PREPARE/EXECUTE) are refused on a read-only profile"
    if kind in ("DoStmt", "CallStmt"):
        return f"{keyword} runs code that could end the transaction, and is refused"
    return f"{keyword or 'this'} statement may write, and is refused"


def _inside(kind: str, body: Node, runs: Node) -> str | None:
    """Check what an allowed statement holds (``runs``: the part that executes)."""
    for inner, part in walk(runs):
        if inner in ("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"):
            return f"a statement that holds {inner[:-4].upper()} may write, and is refused"
        if inner == "SelectStmt" and "intoClause" in part:
            return "SELECT … INTO creates a table, and is refused"
    if kind == "VariableSetStmt":
        return _setting(body)
    if kind == "CopyStmt" and (body.get("is_from") or body.get("filename")
                               or body.get("is_program")):
        return "only COPY … TO STDOUT may run on a read-only profile"
    return None


def _setting(body: Node) -> str | None:
    name = str(body.get("name", "")).lower()
    if body.get("kind") == "VAR_SET_MULTI":  # SET TRANSACTION, SET SESSION CHARACTERISTICS
        return f"SET {body.get('name')} is refused: the transaction's mode is the console's"
    if name in GUARDED_SETTINGS:
        return f"SET {name} is refused on a read-only profile"
    return None


def _called(statement: Node) -> str | None:
    name = side_effect_call(statement)
    if name is None:
        return None
    return f"{name}() acts outside the transaction, and is refused on a read-only profile"


def begin_read_only(conn: psycopg2.extensions.connection) -> None:
    """Open a read-only transaction on ``conn`` and take its first snapshot.

    The snapshot is what pins it: until a transaction's first query, PostgreSQL
    accepts ``SET TRANSACTION READ WRITE``; after it, it refuses.
    """
    # PostgreSQL reports this setting to the client after every change: a connection
    # that no longer says "on" is not used again, whatever turned it off.
    if conn.info.parameter_status("default_transaction_read_only") not in ("on", None):
        conn.close()
        raise ReadOnlyRefused("the connection stopped being read-only; it was closed and "
                              "nothing was sent", operation="run query")
    conn.autocommit = False  # psycopg2 sends BEGIN before the next statement
    with conn.cursor() as cur:
        cur.execute("SET TRANSACTION READ ONLY; SELECT 1")


@contextmanager
def read_only_transaction(conn: psycopg2.extensions.connection) -> Iterator[None]:
    """Run the block in a pinned read-only transaction, rolled back afterwards."""
    with map_pg_errors("begin a read-only transaction"):
        begin_read_only(conn)
    try:
        yield
    finally:
        if not conn.closed:
            conn.rollback()
            conn.autocommit = True
