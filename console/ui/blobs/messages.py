"""What the Blobs pane's workers report: pages loaded, transfer progress, transfers done."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from console.backends.crate import BlobInfo, BlobTable, Progress


@dataclass
class TablesLoaded(Message):
    """The blob tables, and the node that answered."""

    tables: list[BlobTable]
    server: str | None


@dataclass
class BlobsLoaded(Message):
    """One page of a table's blobs."""

    table: str
    offset: int
    blobs: list[BlobInfo]


@dataclass
class TransferProgressed(Message):
    """A transfer moved on; bursts collapse into the latest."""

    verb: str
    name: str
    progress: Progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TransferProgressed)


@dataclass
class TransferFinished(Message):
    """A transfer ended well; ``text`` says how."""

    text: str
