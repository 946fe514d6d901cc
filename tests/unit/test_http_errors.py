"""Every httpx failure becomes a console error; every error status gets its class."""

from __future__ import annotations

import inspect

import httpx
import pytest

from console import errors
from console.backends.http import map_http_errors, raise_for_status, retry_after


def _httpx_exception_classes() -> list[type[Exception]]:
    return [
        obj
        for _, obj in inspect.getmembers(httpx)
        if inspect.isclass(obj)
        and issubclass(obj, Exception)
        and obj.__module__.startswith("httpx")
    ]


def _instance(cls: type[Exception]) -> Exception:
    request = httpx.Request("GET", "http://127.0.0.1:1/x")
    if issubclass(cls, httpx.HTTPStatusError):
        return cls("boom", request=request, response=httpx.Response(503, request=request))
    if issubclass(cls, httpx.RequestError):
        return cls("boom", request=request)
    try:
        return cls("boom")
    except TypeError:
        return cls()


@pytest.mark.parametrize("cls", _httpx_exception_classes(), ids=lambda c: c.__name__)
def test_every_httpx_exception_is_mapped(cls: type[Exception]) -> None:
    """Like httpx's own test: a new httpx exception must not escape unmapped."""
    with pytest.raises(errors.ConsoleError), map_http_errors("svc", "op"):
        raise _instance(cls)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, errors.AuthError),
        (403, errors.AuthError),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (400, errors.BadQuery),
        (422, errors.BadQuery),
        (429, errors.RateLimited),
        (500, errors.Unavailable),
        (503, errors.Unavailable),
    ],
)
def test_status_codes_map_to_classes(status: int, expected: type[Exception]) -> None:
    response = httpx.Response(
        status, json={"detail": "nope"}, request=httpx.Request("GET", "http://x")
    )
    with pytest.raises(expected, match="nope"):
        raise_for_status(response, service="svc", operation="op")


def test_success_does_not_raise() -> None:
    raise_for_status(httpx.Response(204), service="svc", operation="op")


def test_retry_after_parsed_and_attached() -> None:
    response = httpx.Response(
        429,
        headers={"Retry-After": "7"},
        text="slow down",
        request=httpx.Request("GET", "http://x"),
    )
    assert retry_after(response) == 7
    with pytest.raises(errors.RateLimited) as caught:
        raise_for_status(response, service="svc", operation="op")
    assert caught.value.retry_after == 7


def test_bearer_token_never_reaches_the_message() -> None:
    error = errors.ConsoleError("request failed: Authorization: Bearer abc.def.ghi")
    assert "abc.def" not in str(error)
