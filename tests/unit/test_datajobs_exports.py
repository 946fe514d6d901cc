"""The data jobs package's public names, and the CLI staying fast without its libraries."""

from __future__ import annotations

import subprocess
import sys

import console.backends.datajobs as datajobs
import console.backends.postgres as pg


def test_all_is_sorted_and_importable() -> None:
    assert datajobs.__all__ == sorted(datajobs.__all__)
    for name in datajobs.__all__:
        assert getattr(datajobs, name) is not None


def test_postgres_offers_the_functions_the_panes_call() -> None:
    for name in ("import_data", "export_data", "export_query", "export_format", "Roles",
                 "parameter_names", "check_parameters", "export_formats"):
        assert name in pg.__all__
        assert getattr(pg, name).__doc__
    assert pg.export_formats() == ("csv", "json", "xlsx", "parquet")


def test_format_libraries_load_only_when_a_job_uses_them() -> None:
    code = ("import sys, console.backends.postgres, console.backends.datajobs\n"
            "print(sorted(m for m in ('pyarrow', 'python_calamine', 'xlsxwriter', 'ijson', "
            "'httpx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
