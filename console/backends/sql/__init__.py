"""Engine-neutral SQL: splitting a buffer into statements, and the ``SqlEngine`` seam.

``engine`` defines what the SQL editor asks of a database family (PostgreSQL,
Ignite, CrateDB); the splitter reads standard SQL quoting (and PostgreSQL's
dollar quotes), which every engine here shares.
"""

from console.backends.sql._export import export_formats, export_run
from console.backends.sql._models import ResultColumn, Statement
from console.backends.sql._statements import split_statements, statement_at
from console.backends.sql.engine import (
    Catalog,
    SqlEngine,
    SqlRun,
    SqlSession,
    Target,
    WithoutTransactions,
)

__all__ = [
    "Catalog",
    "ResultColumn",
    "SqlEngine",
    "SqlRun",
    "SqlSession",
    "Statement",
    "Target",
    "WithoutTransactions",
    "export_formats",
    "export_run",
    "split_statements",
    "statement_at",
]
