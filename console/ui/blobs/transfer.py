"""The transfer line: what moves, bytes, rate, time left, and a bar; hidden when idle."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from console.backends.crate import Progress
from console.ui.blobs.format import human, rate_text

_VERBS = {"hashing": "Hashing", "uploading": "Uploading", "checking": "Checking",
          "downloading": "Downloading"}


class TransferBar(Vertical):
    """Shows one running transfer."""

    DEFAULT_CSS = """
    TransferBar { height: 2; display: none; }
    TransferBar.-running { display: block; }
    TransferBar > Static { height: 1; padding: 0 1; }
    TransferBar > ProgressBar { padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="blobs-transfer")
        self._phase = ""
        self._started = 0.0
        self._base = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="blobs-transfer-text", markup=False)
        yield ProgressBar(show_eta=False, id="blobs-transfer-bar")

    def begin(self, text: str) -> None:
        """A transfer starts."""
        self._phase = ""
        self.add_class("-running")
        self.query_one(Static).update(f"{text} · x cancels")
        self.query_one(ProgressBar).update(total=None, progress=0)

    def show(self, name: str, progress: Progress) -> None:
        """Draw where the transfer stands."""
        if progress.phase != self._phase:
            self._phase, self._started, self._base = progress.phase, time.monotonic(), 0
            if progress.phase == "downloading":
                self._base = progress.done
        moved = progress.done - self._base
        total = f" / {human(progress.total)}" if progress.total else ""
        drops = f" · resumed after {progress.resumed} drop(s)" if progress.resumed else ""
        speed = rate_text(moved, (progress.total or 0) - self._base or None,
                          time.monotonic() - self._started)
        self.query_one(Static).update(
            f"{_VERBS.get(progress.phase, progress.phase)} {name} {human(progress.done)}{total}"
            f" · {speed}{drops} · x cancels")
        self.query_one(ProgressBar).update(total=progress.total, progress=progress.done)

    def end(self) -> None:
        """No transfer runs any more."""
        self.remove_class("-running")
