"""The stand-in reads CrateDB SQL on tokens: placeholders, system schemas, blob DDL."""

from __future__ import annotations

import pytest

from console.sandbox.cratedb.translate import ParseError, parse_blob_ddl, to_postgres


def test_placeholders_and_percent() -> None:
    sql, args = to_postgres("SELECT '?' , ? , $1 , a % 2 FROM t WHERE b LIKE 'x%'", [5])
    assert sql == "SELECT '?' , %s , %s , a %% 2 FROM t WHERE b LIKE 'x%%'"
    assert args == [5, 5]


def test_system_schemas_are_renamed_only_as_qualifiers() -> None:
    sql, _ = to_postgres('SELECT sys FROM sys.shards, "information_schema".tables', [])
    assert sql == "SELECT sys FROM _crate_sys.shards, _crate_is.tables"


def test_missing_argument() -> None:
    with pytest.raises(ParseError, match="placeholder"):
        to_postgres("SELECT ?, ?", [1])


def test_blob_ddl() -> None:
    ddl = parse_blob_ddl("create blob table Fw clustered into 3 shards "
                         "with (number_of_replicas = '0-1')", [])
    assert ddl is not None and (ddl.action, ddl.table, ddl.shards) == ("create", "fw", 3)
    assert ddl.options == {"number_of_replicas": "0-1"}
    dropped = parse_blob_ddl('DROP BLOB TABLE IF EXISTS "X"', [])
    assert dropped is not None and dropped.if_exists and dropped.table == "X"
    assert parse_blob_ddl("CREATE TABLE t (a int)", []) is None
    with pytest.raises(ParseError, match="mismatched input"):
        parse_blob_ddl("CREATE BLOB TABLE t CLUSTERED 3", [])
