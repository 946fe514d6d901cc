"""Every psycopg2 error becomes a console error, chosen from its SQLSTATE."""

from __future__ import annotations

import inspect

import psycopg2
import psycopg2.errors
import psycopg2.extensions
import psycopg2.pool
import pytest

from console.backends.postgres import map_pg_errors
from console.backends.postgres._errors import error_class
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


def _psycopg2_error_classes() -> list[type[BaseException]]:
    modules = [psycopg2, psycopg2.errors, psycopg2.extensions, psycopg2.pool]
    found = {
        cls
        for module in modules
        for cls in vars(module).values()
        if inspect.isclass(cls) and issubclass(cls, (psycopg2.Error, psycopg2.Warning))
    }
    return sorted(found, key=lambda cls: cls.__qualname__)


ALL = _psycopg2_error_classes()


def test_the_library_has_many_error_classes() -> None:
    assert len(ALL) > 250  # psycopg2 2.9 has one class per SQLSTATE


@pytest.mark.parametrize("cls", ALL, ids=lambda cls: cls.__qualname__)
def test_every_psycopg2_error_maps_to_a_console_subclass(cls: type[Exception]) -> None:
    original = cls("boom")
    with pytest.raises(ConsoleError) as caught, map_pg_errors("do something", profile="p1"):
        raise original
    assert type(caught.value) is not ConsoleError
    assert caught.value.__cause__ is original
    assert caught.value.operation == "do something"
    assert caught.value.profile == "p1"


EXPECTED = [
    (psycopg2.errors.SyntaxError, BadQuery),
    (psycopg2.errors.UndefinedColumn, BadQuery),
    (psycopg2.errors.UndefinedTable, BadQuery),
    (psycopg2.errors.UndefinedFunction, BadQuery),
    (psycopg2.errors.InsufficientPrivilege, AuthError),
    (psycopg2.errors.InvalidPassword, AuthError),
    (psycopg2.errors.DuplicateDatabase, Conflict),
    (psycopg2.errors.DuplicateObject, Conflict),
    (psycopg2.errors.DuplicateTable, Conflict),
    (psycopg2.errors.UniqueViolation, Conflict),
    (psycopg2.errors.NotNullViolation, BadQuery),
    (psycopg2.errors.InvalidCatalogName, NotFound),
    (psycopg2.errors.ObjectInUse, Conflict),
    (psycopg2.errors.SerializationFailure, Conflict),
    (psycopg2.errors.DeadlockDetected, Conflict),
    (psycopg2.errors.InFailedSqlTransaction, BadQuery),
    (psycopg2.errors.ActiveSqlTransaction, BadQuery),
    (psycopg2.errors.FeatureNotSupported, BadQuery),
    (psycopg2.errors.InvalidTextRepresentation, BadQuery),
    (psycopg2.errors.DivisionByZero, BadQuery),
    (psycopg2.errors.ReadOnlySqlTransaction, ReadOnlyRefused),
    (psycopg2.errors.AdminShutdown, Unavailable),
    (psycopg2.errors.CannotConnectNow, Unavailable),
    (psycopg2.errors.DiskFull, Unavailable),
    (psycopg2.errors.TooManyConnections, Unavailable),
    (psycopg2.errors.InternalError_, Unavailable),
    (psycopg2.errors.RaiseException, BadQuery),
    (psycopg2.InterfaceError, Unavailable),
    (psycopg2.pool.PoolError, Unavailable),
    (psycopg2.ProgrammingError, BadQuery),
    (psycopg2.IntegrityError, Conflict),
    (psycopg2.DataError, BadQuery),
]


@pytest.mark.parametrize(("cls", "expected"), EXPECTED, ids=lambda c: c.__qualname__)
def test_sqlstate_picks_the_class(cls: type[Exception], expected: type[ConsoleError]) -> None:
    assert error_class(cls("x")) is expected


def test_cancel_by_operator_and_by_timeout_differ() -> None:
    by_user = psycopg2.errors.QueryCanceled("canceling statement due to user request")
    by_timeout = psycopg2.errors.QueryCanceled("canceling statement due to statement timeout")
    assert error_class(by_user) is Cancelled
    assert error_class(by_timeout) is Unavailable


CONNECT_FAILURES = [
    ('connection to server on socket "/s/.s.PGSQL.5432" failed: FATAL:  database "nope" '
     "does not exist\n", NotFound, 'database "nope" does not exist'),
    ('connection to server at "db" failed: FATAL:  role "nouser" does not exist',
     AuthError, 'role "nouser" does not exist'),
    ('connection to server at "db" failed: FATAL:  password authentication failed for user "u"',
     AuthError, 'password authentication failed for user "u"'),
    ('connection to server on socket "/s/.s.PGSQL.5432" failed: No such file or directory\n\t'
     "Is the server running locally and accepting connections on that socket?",
     Unavailable, "Is the server running locally"),
    ("server closed the connection unexpectedly\n\tThis probably means the server terminated "
     "abnormally", Unavailable, "server closed the connection unexpectedly"),
]


@pytest.mark.parametrize(("text", "expected", "words"), CONNECT_FAILURES)
def test_connection_failures(text: str, expected: type[ConsoleError], words: str) -> None:
    with pytest.raises(expected) as caught, map_pg_errors("connect"):
        raise psycopg2.OperationalError(text)
    assert words in caught.value.message
    assert "\n" not in caught.value.message


def test_a_password_in_a_driver_message_is_masked() -> None:
    with pytest.raises(ConsoleError) as caught, map_pg_errors("connect"):
        raise psycopg2.OperationalError("invalid dsn: password=hunter2 host=x")
    assert "hunter2" not in str(caught.value)


def test_other_exceptions_pass_through() -> None:
    with pytest.raises(KeyError), map_pg_errors("anything"):
        raise KeyError("not a database error")
