"""Naming each side of a comparison: its ``Side`` record, and which side an error came from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.clients import Clients
from console.diff.model import Side
from console.errors import ConsoleError


def side_of(clients: Clients, place: str = "") -> Side:
    """The ``Side`` of a profile's registry: its name and colour."""
    profile = clients.profile
    return Side(profile.name, place, profile.settings.color)


@contextmanager
def on_side(profile: str) -> Iterator[None]:
    """Name the profile in an error that does not already say which side failed."""
    try:
        yield
    except ConsoleError as exc:
        exc.profile = exc.profile or profile
        raise
