"""The CrateDB backend's public surface, and the crate-python hook it relies on."""

from __future__ import annotations

import crate.client.http

import console.backends.crate as crate_backend
from console.backends.crate._connection import RecordingClient


def test_all_is_sorted_and_documented() -> None:
    assert crate_backend.__all__ == sorted(crate_backend.__all__)
    for name in crate_backend.__all__:
        assert getattr(crate_backend, name).__doc__, name
    for method in ("sql", "blob_tables", "create_blob_table", "drop_blob_table", "list_blobs",
                   "upload", "download", "exists", "delete", "nodes", "close"):
        assert getattr(crate_backend.CrateClient, method).__doc__, method


def test_crate_python_still_picks_nodes_in_get_server() -> None:
    """RecordingClient extends this private method; an upgrade that renames it fails here."""
    assert callable(getattr(crate.client.http.Client, "_get_server", None))
    client = RecordingClient(["http://127.0.0.1:9"])
    assert client._get_server() == "http://127.0.0.1:9"
    assert client.last_server() == "http://127.0.0.1:9"
