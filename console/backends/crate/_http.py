"""Blob requests over httpx: pick a node, fail over, follow ``307`` to the holder.

A node that refuses the connection (or answers 502/503/504/509) leaves the
rotation and the next one is asked; a ``307`` names the node holding the
blob's shard, which joins the pool and is asked the same request (notes §7, §9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import httpx

from console.backends.crate._pool import UNAVAILABLE_STATUSES
from console.backends.http import map_http_errors
from console.errors import Unavailable

if TYPE_CHECKING:
    from console.backends.crate._client import CrateClient

MAX_HOPS = 4
Body = Callable[[], Iterable[bytes]]
"""Makes the request body afresh for each try (a generator cannot be sent twice)."""


class NodeDown(Exception):
    """The node did not take the request; another may."""


def blob_path(table: str, digest: str) -> str:
    return f"/_blobs/{table}/{digest}"


def send(client: CrateClient, method: str, path: str, *, operation: str,
         headers: dict[str, str] | None = None, body: Body | None = None,
         stream: bool = False, prefer: str | None = None) -> tuple[httpx.Response, str]:
    """Send to ``prefer`` first (the blob's holder, when known), then the rotation.

    Returns:
        The response (open, when ``stream``) and the node that answered it.

    Raises:
        Unavailable: no node took the request (the last node's failure says why).
    """
    tried: list[str] = []
    why = "no node configured"
    for node in ([prefer] if prefer else []) + client.pool.order():
        if node in tried:
            continue
        tried.append(node)
        try:
            response, answered = _follow(client, method, node, path, headers, body, stream,
                                         operation)
        except NodeDown as exc:
            why = str(exc)
            client.pool.failed(node, why)
            continue
        client.pool.answered(answered)
        return response, answered
    raise Unavailable(f"no CrateDB node answered ({', '.join(tried)}): {why}",
                      operation=operation, profile=client.profile_name)


def _follow(client: CrateClient, method: str, node: str, path: str,
            headers: dict[str, str] | None, body: Body | None, stream: bool,
            operation: str) -> tuple[httpx.Response, str]:
    for _ in range(MAX_HOPS):
        request = client.http.build_request(method, node + path, headers=headers,
                                            content=body() if body is not None else None)
        try:
            with map_http_errors("CrateDB", operation):
                response = client.http.send(request, stream=stream)
        except Unavailable as exc:
            raise NodeDown(f"{node}: {exc.message}") from exc
        if response.status_code == 307 and "location" in response.headers:
            response.close()
            node = client.pool.learn(response.headers["location"])
            continue
        if response.status_code in UNAVAILABLE_STATUSES:
            response.close()
            raise NodeDown(f"{node} answered {response.status_code}")
        return response, node
    raise Unavailable(f"CrateDB redirected {method} {path} more than {MAX_HOPS} times",
                      operation=operation, profile=client.profile_name)
