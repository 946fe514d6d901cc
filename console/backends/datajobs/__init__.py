"""Data jobs: imports and exports tracked with states, progress, cancel and history.

The engine-neutral half: job records and their store, reading inputs (CSV,
JSON, XLSX, SQLite, from a file or an ``http(s)`` URL), inferring column
types, and encoding rows for a bulk load. ``console.backends.postgres`` runs
the loads (``import_data``) and the exports (``export_data``) as jobs.

Format libraries (pyarrow, python-calamine, ijson) are imported only when a
job uses them, and each name here with the module it lives in, on first use:
a CSV export does not pay for the import readers, so the CLI starts fast.
"""

from typing import TYPE_CHECKING

from console.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from console.backends.datajobs._encode import LineMap, converters, csv_chunks
    from console.backends.datajobs._errors import (
        input_error,
        map_arrow_errors,
        map_calamine_errors,
        map_ijson_errors,
        map_sqlite_errors,
        map_xlsxwriter_errors,
    )
    from console.backends.datajobs._infer import column_names, merge, text_type, value_type
    from console.backends.datajobs._jobs import DataJobs, JobHandle
    from console.backends.datajobs._models import (
        ColumnType,
        DataJob,
        ImportColumn,
        JobState,
        Preview,
        PreviewTable,
    )
    from console.backends.datajobs._preview import (
        default_delimiter,
        format_of,
        preview,
        read_head,
        row_tables,
    )
    from console.backends.datajobs._rows import RowTable
    from console.backends.datajobs._sources import display_name, is_url, open_source
    from console.backends.datajobs._store import JobStore

_EXPORTS = {
    "_encode": "LineMap converters csv_chunks",
    "_errors": "input_error map_arrow_errors map_calamine_errors map_ijson_errors "
               "map_sqlite_errors map_xlsxwriter_errors",
    "_infer": "column_names merge text_type value_type",
    "_jobs": "DataJobs JobHandle",
    "_models": "ColumnType DataJob ImportColumn JobState Preview PreviewTable",
    "_preview": "default_delimiter format_of preview read_head row_tables",
    "_rows": "RowTable",
    "_sources": "display_name is_url open_source",
    "_store": "JobStore",
}
"""Each module under ``console.backends.datajobs`` → the public names it holds."""

__all__ = [
    "ColumnType",
    "DataJob",
    "DataJobs",
    "ImportColumn",
    "JobHandle",
    "JobState",
    "JobStore",
    "LineMap",
    "Preview",
    "PreviewTable",
    "RowTable",
    "column_names",
    "converters",
    "csv_chunks",
    "default_delimiter",
    "display_name",
    "format_of",
    "input_error",
    "is_url",
    "map_arrow_errors",
    "map_calamine_errors",
    "map_ijson_errors",
    "map_sqlite_errors",
    "map_xlsxwriter_errors",
    "merge",
    "open_source",
    "preview",
    "read_head",
    "row_tables",
    "text_type",
    "value_type",
]


__getattr__, __dir__ = lazy_exports(__name__, globals(), _EXPORTS)
