"""Every crate-python and urllib3 exception maps into the tree; CrateDB names pick the class."""

from __future__ import annotations

import inspect

import pytest
import urllib3.exceptions
from crate.client import exceptions as crate_exc

from console.backends.crate import blob_error, map_crate_errors, sql_error
from console.errors import (
    AuthError,
    BadQuery,
    Cancelled,
    Conflict,
    ConsoleError,
    NotFound,
    ReadOnlyRefused,
    Unavailable,
)


def _classes(module: object, base: type) -> list[type[BaseException]]:
    return sorted({c for c in vars(module).values() if inspect.isclass(c) and issubclass(c, base)},
                  key=lambda c: c.__qualname__)


CRATE = _classes(crate_exc, (crate_exc.Error, crate_exc.Warning, crate_exc.BlobException))
URLLIB3 = _classes(urllib3.exceptions, urllib3.exceptions.HTTPError)


class _Response:
    """What urllib3's InvalidChunkLength reads from the response it is given."""

    length_remaining = 0

    def tell(self) -> int:
        return 0


def _make(cls: type[BaseException]) -> BaseException:
    if issubclass(cls, crate_exc.BlobException):
        return cls("assets", "0" * 40)
    for args in (("boom",), (0, 0), (None, b"0"), (None, "/", "boom"), (_Response(), b"0")):
        try:
            made = cls(*args)
            str(made)
            return made
        except (TypeError, AttributeError):
            continue
    raise AssertionError(f"cannot build {cls}")


def test_the_libraries_have_their_classes() -> None:
    assert len(CRATE) >= 14 and len(URLLIB3) >= 20


@pytest.mark.parametrize("cls", CRATE + URLLIB3, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_exception_maps_to_a_console_subclass(cls: type[BaseException]) -> None:
    original = _make(cls)
    with pytest.raises(ConsoleError) as caught, map_crate_errors("do it", profile="p"):
        raise original
    assert type(caught.value) is not ConsoleError or isinstance(original, OSError)
    assert caught.value.__cause__ is original
    assert caught.value.operation == "do it"


@pytest.mark.parametrize(("message", "expected"), [
    ("SQLParseException[line 1:8: mismatched input 'FROM']", BadQuery),
    ("RelationUnknown[Relation 'doc.x' unknown]", NotFound),
    ("SchemaUnknownException[Schema 'foo' unknown]", NotFound),
    ("ColumnUnknownException[Column x unknown]", NotFound),
    ("DuplicateKeyException[A document with the same primary key exists already]", Conflict),
    ("RelationAlreadyExists[Relation 'blob.t' already exists.]", Conflict),
    ("UnauthorizedException[User \"x\" is not authorized]", AuthError),
    ("MissingPrivilegeException[Missing 'DQL' privilege]", AuthError),
    ("ReadOnlyException[Only read operations allowed on this node]", ReadOnlyRefused),
    ("JobKilledException[Job killed]", Cancelled),
    ("SQLActionException[something]", BadQuery),
    ("401 Client Error: Unauthorized", AuthError),
    ("404 Client Error: Not Found", NotFound),
    ("500 Server Error: Internal", Unavailable),
])
def test_cratedb_names_pick_the_class(message: str, expected: type[ConsoleError]) -> None:
    assert type(sql_error(message, "run")) is expected


def test_position_comes_from_line_and_column() -> None:
    error = sql_error("SQLParseException[line 1:8: mismatched input]", "run")
    assert isinstance(error, BadQuery) and error.position == 8


def test_a_password_in_a_url_is_scrubbed() -> None:
    with pytest.raises(Unavailable) as caught, map_crate_errors("connect"):
        raise crate_exc.ConnectionError("http://ops:hunter22@crate-1:4200 refused")
    assert "hunter22" not in str(caught.value)


@pytest.mark.parametrize(("status", "expected"), [
    (401, AuthError), (404, NotFound), (409, Conflict), (400, BadQuery), (416, BadQuery),
    (500, Unavailable), (502, Unavailable)])
def test_blob_statuses(status: int, expected: type[ConsoleError]) -> None:
    assert type(blob_error(status, "", table="t", digest="0" * 40, operation="x")) is expected
