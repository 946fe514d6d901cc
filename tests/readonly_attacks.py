"""Ways an operator could try to write through a read-only profile, and how to tell nothing changed.

Shared by the CLI suite (tests/integration/test_readonly_bypass.py) and the SQL
pane suite (tests/ui/test_readonly_pane.py). Each attack is SQL text as an
operator would type it, statements and all; every one must leave the table,
the sequence, the large objects, the server's settings and other sessions as
they were, and say why.
"""

from __future__ import annotations

from typing import Any

from console.backends.postgres import PostgresClient

ROWS = 50

SETUP = (
    "create table t (id int primary key, label text)",
    f"insert into t select g, 'row-' || g from generate_series(1, {ROWS}) g",
    "create sequence s",
    "create or replace function definer_delete() returns bigint language sql "
    "security definer as 'with d as (delete from t returning 1) select count(*) from d'",
    "create or replace procedure wipe() language sql as 'delete from t'",
    "create or replace function plain_insert() returns int language plpgsql as "
    "$$ begin insert into t values (1000, 'x'); return 1; end $$",
)
"""The attacked database: a table of ROWS rows, a sequence, a SECURITY DEFINER
function and a procedure that write (made by the owner on a writable profile)."""

FINGERPRINT = """
select (select md5(string_agg(id || ':' || label, ',' order by id)) from t),
       (select count(*) from t),
       (select last_value::text || is_called::text from s),
       (select count(*) from pg_largeobject_metadata),
       (select count(*) from pg_class where relname in ('t_copy', 't2', 'x')),
       (select count(*) from pg_file_settings where name = 'default_transaction_read_only')
"""

ATTACKS: list[tuple[str, str]] = [
    ("issue-set-config-prepare-execute",
     "select set_config('default_transaction' || '_read_only', 'off', false);\n"
     "prepare p as delete from t;\nexecute p"),
    ("unicode-escaped-set",
     'SET U&"default\\005ftransaction\\005fread\\005fonly" = off; delete from t'),
    ("unicode-escaped-set-uescape",
     "SET U&\"default!005ftransaction!005fread!005fonly\" UESCAPE '!' TO off; delete from t"),
    ("quoted-set", 'SET "default_transaction_read_only" TO \'off\'; delete from t'),
    ("begin-set-transaction-read-write",
     "begin; set transaction read write; delete from t; commit"),
    ("start-transaction-read-write", "start transaction read write; delete from t; commit"),
    ("commit-then-delete", "commit; delete from t"),
    ("rollback-then-delete", "rollback; delete from t"),
    ("reset-all-then-delete", "reset all; delete from t"),
    ("session-characteristics",
     "set session characteristics as transaction read write; delete from t"),
    ("set-config-transaction-local", "select set_config('transaction_read_only', 'off', true)"),
    ("do-block", "do $$ begin delete from t; end $$"),
    ("call-procedure", "call wipe()"),
    ("copy-from-program", "copy t from program 'true'"),
    ("copy-to-server-file", "copy t to '/tmp/fleet-console-attack.csv'"),
    ("writable-cte", "with d as (delete from t returning *) select count(*) from d"),
    ("explain-analyze-delete", "explain analyze delete from t"),
    ("explain-analyze-json-cte",
     "explain (analyze, format json) with d as (delete from t returning 1) select * from d"),
    ("nextval", "select nextval('s')"),
    ("setval-upper-qualified", "select PG_CATALOG.SETVAL('s', 1000)"),
    ("nextval-attribute-notation", "select x.nextval from (select 's'::regclass) as x"),
    ("terminate-backends",
     "select pg_terminate_backend(pid) from pg_stat_activity "
     "where datname = current_database() and pid <> pg_backend_pid()"),
    ("terminate-quoted-qualified", 'select "pg_catalog"."pg_terminate_backend"(1)'),
    ("reload-conf", "select pg_reload_conf()"),
    ("lo-import", "select lo_import('/etc/hostname')"),
    ("lo-from-bytea", "select lo_from_bytea(0, 'x')"),
    ("dblink-exec", "select dblink_exec('dbname=postgres', 'delete from t')"),
    ("advisory-lock", "select pg_advisory_lock(42)"),
    ("pg-notify", "select pg_notify('chan', 'x')"),
    ("query-to-xml-runs-text", "select query_to_xml('delete from t returning 1', true, true, '')"),
    ("multi-statement-one-q", "select 1; delete from t"),
    ("comment-first-word", "/* select */ delete from t"),
    ("line-comment-first-word", "-- select\ndelete from t"),
    ("nested-block-comment", "/* outer /* inner */ select 1; */ delete from t"),
    ("dollar-quote-semicolon", "select $q$ ; $q$ as x; delete from t"),
    ("e-string-backslash", "select E'\\\\'; delete from t; --'"),
    ("alter-system", "alter system set default_transaction_read_only = off"),
    ("security-definer-writes", "select definer_delete()"),
    ("plpgsql-function-writes", "select plain_insert()"),
    ("select-into", "select * into t_copy from t"),
    ("create-table-as", "create table t2 as select * from t"),
    ("truncate", "truncate t"),
    ("update-all", "update t set label = 'x'"),
    ("insert", "insert into t values (999, 'x')"),
    ("merge-delete",
     "merge into t using (select 1 as id) s on t.id = s.id when matched then delete"),
    ("drop-table", "drop table t"),
    ("lock-table", "lock table t in access exclusive mode"),
    ("select-for-update", "select * from t for update"),
    ("create-temp-table", "create temp table x (a int)"),
    ("standard-conforming-strings-off",
     "set standard_conforming_strings = off; select 'a\\'; delete from t; --'"),
    ("client-encoding", "set client_encoding = 'SJIS'"),
    ("vacuum", "vacuum t"),
    ("notify", "notify chan"),
]
"""``(id, SQL)``: each must be refused with a clear message and change nothing."""


def fingerprint(client: PostgresClient, database: str) -> tuple[Any, ...]:
    """What an attack would change: the rows, the sequence, large objects, new tables,
and the server's configuration files (``ALTER SYSTEM``)."""
    with client.run(database, FINGERPRINT) as run:
        return tuple(run.first_rows[0])
