"""What a transfer tells its caller while it runs, and how the caller stops it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from console.errors import Cancelled

REPORT_EVERY = 1 << 20
"""Bytes between two progress reports (and the last one always comes)."""


@dataclass(frozen=True)
class Progress:
    """Where a transfer stands."""

    phase: str
    """``hashing``, ``uploading``, ``checking`` (the part already on disk) or ``downloading``."""
    done: int
    """Bytes of this phase done (for a resumed download, counted from the blob's start)."""
    total: int | None
    server: str | None = None
    """The node bytes move to or from."""
    resumed: int = 0
    """Times the download picked up again after a drop."""


OnProgress = Callable[[Progress], None]


class Reporter:
    """Calls ``on_progress`` at most once per ``REPORT_EVERY`` bytes; checks ``cancel``."""

    def __init__(self, on_progress: OnProgress | None, cancel: threading.Event | None,
                 what: str) -> None:
        self.on_progress = on_progress
        self.cancel = cancel
        self.what = what
        self._last = -REPORT_EVERY

    def __call__(self, progress: Progress, *, final: bool = False) -> None:
        self.check(progress.done, progress.total)
        if self.on_progress is not None and (final or progress.done - self._last
                                             >= REPORT_EVERY):
            self._last = progress.done
            self.on_progress(progress)

    def start(self, phase: str) -> None:
        """A new phase begins: its first report goes out at once."""
        self._last = -REPORT_EVERY

    def check(self, done: int = 0, total: int | None = None) -> None:
        """Raise ``Cancelled`` when the caller asked to stop."""
        if self.cancel is not None and self.cancel.is_set():
            where = f" after {done:,} of {total:,} bytes" if total else ""
            raise Cancelled(f"{self.what} cancelled{where}", operation=self.what)

    def wait(self, seconds: float) -> None:
        """Sleep, waking early (and raising ``Cancelled``) if the caller cancels."""
        if self.cancel is None:
            time.sleep(seconds)
        elif self.cancel.wait(seconds):
            self.check()
