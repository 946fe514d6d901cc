"""PostgreSQL: databases, catalog and streamed queries over psycopg2, from threads.

Everything here blocks; call it from worker threads. Every error is a
``console.errors.ConsoleError`` subclass, translated by ``map_pg_errors``.

Each name is imported on first use, with the module it lives in: running one
statement does not import the export, import and role management code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from console.backends.postgres._classify import StatementKind, classify
    from console.backends.postgres._client import APPLICATION_NAME, PostgresClient
    from console.backends.postgres._engine import PostgresEngine
    from console.backends.postgres._errors import map_pg_errors
    from console.backends.postgres._export import (
        ExportRequest,
        export_data,
        export_format,
        export_formats,
        export_query,
        json_default,
        write_json,
    )
    from console.backends.postgres._filter import filter_rows
    from console.backends.postgres._import import ImportMode, ImportRequest, import_data
    from console.backends.postgres._models import Column, DatabaseInfo, Relation
    from console.backends.postgres._params import (
        check_parameters,
        parameter_names,
        parse_parameter,
    )
    from console.backends.postgres._query import QueryRun
    from console.backends.postgres._roles import (
        NewKey,
        Owned,
        RoleGrant,
        RoleInfo,
        Roles,
        generate_password,
    )
    from console.backends.postgres._session import Session
    from console.backends.postgres._warnings import warnings_for
    from console.backends.sql import ResultColumn, Statement, split_statements, statement_at

_EXPORTS = {
    "_classify": "StatementKind classify",
    "_client": "APPLICATION_NAME PostgresClient",
    "_engine": "PostgresEngine",
    "_errors": "map_pg_errors",
    "_export": "ExportRequest export_data export_format export_formats export_query json_default "
               "write_json",
    "_filter": "filter_rows",
    "_import": "ImportMode ImportRequest import_data",
    "_models": "Column DatabaseInfo Relation",
    "_params": "check_parameters parameter_names parse_parameter",
    "_query": "QueryRun",
    "_roles": "NewKey Owned RoleGrant RoleInfo Roles generate_password",
    "_session": "Session",
    "_warnings": "warnings_for",
    "console.backends.sql": "ResultColumn Statement split_statements statement_at",
}
"""Each module (under ``console.backends.postgres`` unless dotted) → the public names it holds."""

__all__ = [
    "APPLICATION_NAME",
    "Column",
    "DatabaseInfo",
    "ExportRequest",
    "ImportMode",
    "ImportRequest",
    "NewKey",
    "Owned",
    "PostgresClient",
    "PostgresEngine",
    "QueryRun",
    "Relation",
    "ResultColumn",
    "RoleGrant",
    "RoleInfo",
    "Roles",
    "Session",
    "Statement",
    "StatementKind",
    "check_parameters",
    "classify",
    "export_data",
    "export_format",
    "export_formats",
    "export_query",
    "filter_rows",
    "generate_password",
    "import_data",
    "json_default",
    "map_pg_errors",
    "parameter_names",
    "parse_parameter",
    "split_statements",
    "statement_at",
    "warnings_for",
    "write_json",
]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
