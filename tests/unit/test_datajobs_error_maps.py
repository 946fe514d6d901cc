"""Every exception class of each format library becomes a console error, chained."""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import ijson
import pyarrow as pa
import pytest
import python_calamine
import xlsxwriter.exceptions

from console.backends.datajobs import (
    map_arrow_errors,
    map_calamine_errors,
    map_ijson_errors,
    map_sqlite_errors,
    map_xlsxwriter_errors,
)
from console.errors import ConsoleError


def classes(module: Any, base: type[BaseException]) -> list[type[BaseException]]:
    return sorted({c for _, c in inspect.getmembers(module, inspect.isclass)
                   if issubclass(c, base)}, key=lambda c: c.__qualname__)


Mapper = Callable[[], AbstractContextManager[None]]
LIBRARIES: list[tuple[str, list[type[BaseException]], Mapper]] = [
    ("sqlite3", classes(sqlite3, sqlite3.Error), lambda: map_sqlite_errors("x.db")),
    ("python-calamine", classes(python_calamine, Exception),
     lambda: map_calamine_errors("x.xlsx")),
    ("ijson", classes(ijson.common, ijson.JSONError), map_ijson_errors),
    ("pyarrow", classes(pa, pa.ArrowException), lambda: map_arrow_errors("export rows")),
    ("xlsxwriter", classes(xlsxwriter.exceptions, xlsxwriter.exceptions.XlsxWriterException),
     lambda: map_xlsxwriter_errors("export rows")),
]
CASES = [(name, cls, mapper) for name, found, mapper in LIBRARIES for cls in found]


def test_each_library_has_classes_to_map() -> None:
    assert all(len(found) >= 2 for _, found, _ in LIBRARIES)


@pytest.mark.parametrize(("library", "cls", "mapper"), CASES,
                         ids=[f"{name}.{cls.__qualname__}" for name, cls, _ in CASES])
def test_every_error_maps_to_a_console_subclass(library: str, cls: type[Exception],
                                                mapper: Callable[[], Any]) -> None:
    try:
        original = cls("boom")
    except TypeError:  # some take other arguments; the class is what matters
        original = cls.__new__(cls)
    with pytest.raises(ConsoleError) as caught, mapper():
        raise original
    assert caught.value.__cause__ is original
    assert caught.value.message  # a sentence for the operator, never empty
