"""Results the Caches pane's workers post back to it (dataclass messages)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from console.backends.ignite import CacheInfo, ClusterInfo, Entry


@dataclass
class CachesLoaded(Message):
    """The caches and the cluster's nodes were read."""

    caches: list[CacheInfo]
    cluster: ClusterInfo
    answered_by: str | None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CachesLoaded)


@dataclass
class NodesFailed(Message):
    """Reading the caches failed; the nodes' states still say which are down."""

    cluster: ClusterInfo
    reason: str


@dataclass
class EntriesLoaded(Message):
    """A page of a cache's entries arrived (``append`` continues the shown ones)."""

    cache: str
    entries: list[Entry]
    append: bool
    done: bool
    """Every entry was read."""
    generation: int
    """Which opening of a cache it belongs to; pages of an earlier one are dropped."""
    node: str | None = None
    broken: str | None = None
    """Why the scan stopped before the end (its node went away), when it did."""


@dataclass
class EntryFound(Message):
    """A lookup by key answered: the entry, or ``None`` when the key is absent."""

    cache: str
    key_text: str
    key_type: str
    entry: Entry | None


@dataclass
class CachesChanged(Message):
    """A write went through: say so, then show ``cache`` afresh (``None``: the list)."""

    text: str
    cache: str | None = None
