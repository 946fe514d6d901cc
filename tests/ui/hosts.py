"""A bare app that holds one pane, for pilot tests of that pane alone."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.app import App, ComposeResult
from textual.widget import Widget

PaneT = TypeVar("PaneT", bound=Widget)


class PaneApp(App[None], Generic[PaneT]):
    """Mounts ``pane`` as its only child and keeps it at hand as ``app.pane``."""

    def __init__(self, pane: PaneT) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane
