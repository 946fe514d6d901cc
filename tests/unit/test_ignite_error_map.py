"""Every exception pyignite raises becomes a console error, chosen from its class and message."""

from __future__ import annotations

import inspect
import socket
import ssl

import pytest
from pyignite import exceptions as ig

from console.backends.ignite import map_ignite_errors
from console.backends.ignite._errors import MAPPED, error_class
from console.errors import (
    AuthError,
    BadQuery,
    Conflict,
    ConsoleError,
    NotFound,
    ReadOnlyRefused,
    Unavailable,
)


def _pyignite_classes() -> list[type[BaseException]]:
    return sorted({cls for cls in vars(ig).values()
                   if inspect.isclass(cls) and issubclass(cls, BaseException)},
                  key=lambda cls: cls.__qualname__)


ALL = _pyignite_classes()


def _make(cls: type[BaseException]) -> BaseException:
    if cls is ig.HandshakeError:
        return cls((1, 7, 0), "boom")
    return cls("boom")


def test_the_library_has_its_error_classes() -> None:
    names = {cls.__name__ for cls in ALL}
    assert {"CacheError", "SQLError", "AuthenticationError", "ReconnectError",
            "HandshakeError"} <= names


@pytest.mark.parametrize("cls", ALL, ids=lambda cls: cls.__qualname__)
def test_every_pyignite_error_maps_to_a_console_subclass(cls: type[BaseException]) -> None:
    original = _make(cls)
    with pytest.raises(ConsoleError) as caught, map_ignite_errors("do something", profile="p1"):
        raise original
    assert type(caught.value) is not ConsoleError
    assert caught.value.__cause__ is original
    assert caught.value.operation == "do something"
    assert caught.value.profile == "p1"


@pytest.mark.parametrize("cls", [ConnectionResetError, BrokenPipeError, socket.timeout, EOFError,
                                 ssl.SSLError, ConnectionRefusedError])
def test_socket_failures_are_unavailable_and_name_the_node(cls: type[BaseException]) -> None:
    with pytest.raises(Unavailable) as caught, map_ignite_errors("get key",
                                                                 node=lambda: "10.0.0.7:10800"):
        raise cls("gone")
    assert "10.0.0.7:10800" in caught.value.message


EXPECTED = [
    (ig.CacheError("Cache does not exist [cacheId= 12]"), NotFound),
    (ig.CacheError("Failed to find resource with id: 3"), NotFound),
    (ig.CacheCreationError("Cache already exists [cacheName=x]"), Conflict),
    (ig.CacheError("Failed to perform cache operation (cluster is in read-only mode)"),
     ReadOnlyRefused),
    (ig.CacheError("Cannot perform the operation because the cluster is inactive."), Unavailable),
    (ig.SQLError("Failed to parse query. Syntax error"), BadQuery),
    (ig.SQLError("Table \"NOPE\" not found"), BadQuery),
    (ig.SQLError("Duplicate key during INSERT [key=1]"), Conflict),
    (ig.SQLError("Cache does not exist [cacheId= 1]"), NotFound),
    (ig.CacheError("Client is not authorized to perform this operation"), AuthError),
    (ig.AuthenticationError("The user name or password is incorrect"), AuthError),
    (ig.ReconnectError("Can not reconnect: out of nodes."), Unavailable),
    (ig.ParameterError("Unexpected parameter"), BadQuery),
    (ig.ParseError("Can not query binary type 1"), Unavailable),
    (ig.ClusterError("boom"), Unavailable),
]


@pytest.mark.parametrize(("exc", "expected"), EXPECTED, ids=lambda v: str(v)[:40])
def test_message_and_class_pick_the_console_class(exc: BaseException,
                                                  expected: type[ConsoleError]) -> None:
    assert error_class(exc) is expected


def test_a_password_echoed_by_a_node_is_masked() -> None:
    with pytest.raises(AuthError) as caught, map_ignite_errors("connect",
                                                               secrets=("hunter2-long",)):
        raise ig.AuthenticationError("bad credentials for ignite/hunter2-long")
    assert "hunter2-long" not in str(caught.value)
    assert "refused the credentials" in caught.value.message


def test_other_exceptions_pass_through() -> None:
    with pytest.raises(KeyError), map_ignite_errors("anything"):
        raise KeyError("not a pyignite error")


def test_every_class_of_the_module_is_caught() -> None:
    assert all(issubclass(cls, MAPPED) for cls in ALL)
