"""The tabs of the console, each holding a pane or the state saying what is missing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from console.clients import Clients
from console.ui.panes.base import Pane
from console.ui.tabs import Registered, TabSpec
from console.ui.unconfigured import UnconfiguredPane, missing_section_hint, unbuilt_hint


def tab_id(pane_id: str) -> str:
    """Return the DOM id of the tab holding ``pane_id``."""
    return f"tab-{pane_id}"


class Workspace(Vertical):
    """One tab per ``TabSpec``; tells panes when they are shown and hidden."""

    def __init__(self, clients: Clients, specs: list[TabSpec], found: Registered,
                 stand_ins: frozenset[str]) -> None:
        super().__init__(id="workspace")
        self.clients = clients
        self.specs = specs
        self.found = found
        self.stand_ins = stand_ins
        self._shown: Pane | None = None

    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            for spec in self.specs:
                with TabPane(f"{spec.key} {spec.title}", id=tab_id(spec.pane_id)):
                    yield self.make_pane(spec)

    @property
    def tabs(self) -> TabbedContent:
        """The tabbed container itself."""
        return self.query_one("#tabs", TabbedContent)

    def _failure(self, spec: TabSpec) -> str | None:
        for target, why in self.found.failures.items():
            if target.partition(":")[0].rsplit(".", 1)[-1] == spec.pane_id:
                return f"{target}: {why}"
        return None

    def make_pane(self, spec: TabSpec) -> Pane:
        """Build the pane for ``spec``, or the state saying what it lacks."""
        if spec.section and not self.clients.has(spec.section):
            hint = missing_section_hint(self.clients.profile, spec.section, self.stand_ins)
            return UnconfiguredPane(self.clients, spec, hint)
        pane_class = self.found.classes.get(spec.pane_id)
        if pane_class is None:
            return UnconfiguredPane(self.clients, spec, unbuilt_hint(spec, self._failure(spec)))
        return pane_class(self.clients)

    def pane(self, pane_id: str) -> Pane:
        """Return the pane (or unconfigured state) in the tab of ``pane_id``."""
        return self.tabs.get_pane(tab_id(pane_id)).query_one(Pane)

    @property
    def current(self) -> Pane | None:
        """The pane of the active tab."""
        active = self.tabs.active_pane
        return active.query_one(Pane) if active is not None else None

    def spec_of(self, pane: Pane) -> TabSpec:
        """Return the tab a pane sits in."""
        return next(s for s in self.specs if self.pane(s.pane_id) is pane)

    def first_ready(self) -> str:
        """Return the first tab whose pane can run (the first tab if none can)."""
        for spec in self.specs:
            if not isinstance(self.pane(spec.pane_id), UnconfiguredPane):
                return spec.pane_id
        return self.specs[0].pane_id

    def show(self, pane_id: str) -> Pane:
        """Make ``pane_id``'s tab active and give its pane the focus."""
        self.tabs.active = tab_id(pane_id)
        pane = self.pane(pane_id)
        self._notify_shown(pane)
        focus_first(pane)
        return pane

    async def refresh_unconfigured(self) -> list[str]:
        """Replace unconfigured states whose service is now there; return their pane ids."""
        replaced = []
        for spec in self.specs:
            current = self.pane(spec.pane_id)
            if not isinstance(current, UnconfiguredPane):
                continue
            fresh = self.make_pane(spec)
            if isinstance(fresh, UnconfiguredPane):
                continue
            await current.remove()
            await self.tabs.get_pane(tab_id(spec.pane_id)).mount(fresh)
            replaced.append(spec.pane_id)
        return replaced

    def _notify_shown(self, pane: Pane | None) -> None:
        if pane is self._shown:
            return
        if self._shown is not None and self._shown.is_attached:
            self._shown.pane_hidden()
        self._shown = pane
        if pane is not None:
            pane.pane_shown()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content is self.tabs:
            self._notify_shown(self.current)


def focus_first(widget: Widget) -> None:
    """Focus ``widget`` or its first focusable descendant."""
    if widget.focusable:
        widget.focus()
        return
    for child in widget.query("*"):
        if isinstance(child, Widget) and child.focusable:
            child.focus()
            return
