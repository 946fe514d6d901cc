"""The tabs of the console, each holding a pane or the state saying what is missing.

A pane is built the first time its tab is shown, not when the app starts: the
first frame draws without waiting for any pane, and a pane nobody opens never
reaches its service. Until then its tab holds a ``PendingPane``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import AwaitMount, Widget
from textual.widgets import TabbedContent, TabPane

from console.clients import Clients
from console.ui.panes.base import Pane
from console.ui.tabs import Registered, TabSpec
from console.ui.unconfigured import UnconfiguredPane, missing_section_hint, unbuilt_hint


def tab_id(pane_id: str) -> str:
    """Return the DOM id of the tab holding ``pane_id``."""
    return f"tab-{pane_id}"


class PendingPane(Pane):
    """A tab whose pane has not been opened yet: it is built when the tab is first shown."""

    pane_id: ClassVar[str] = "pending"
    title: ClassVar[str] = "Not opened yet"
    key: ClassVar[str] = ""

    def __init__(self, clients: Clients, spec: TabSpec) -> None:
        self.spec = spec
        super().__init__(clients, id=f"pending-{spec.pane_id}")


class Workspace(Vertical):
    """One tab per ``TabSpec``; builds panes on first show and tells them when they hide."""

    @dataclass
    class PaneShown(Message):
        """Another pane came to the front (by key, command, click or profile switch)."""

        pane: Pane

    def __init__(self, clients: Clients, specs: list[TabSpec], found: Registered,
                 stand_ins: Callable[[], frozenset[str]]) -> None:
        super().__init__()  # one per profile visited: no id, they are siblings
        self.clients = clients
        self.specs = specs
        self.found = found
        self.stand_ins = stand_ins
        """The sections a local stand-in provides, asked for only when a hint needs them."""
        self._shown: Pane | None = None

    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs"):
            for spec in self.specs:
                with TabPane(f"{spec.key} {spec.title}", id=tab_id(spec.pane_id)):
                    yield self._placeholder(spec)

    @property
    def tabs(self) -> TabbedContent:
        """The tabbed container itself."""
        return self.query_one("#tabs", TabbedContent)

    def _failure(self, spec: TabSpec) -> str | None:
        for target, why in self.found.failures.items():
            if target.partition(":")[0].rsplit(".", 1)[-1] == spec.pane_id:
                return f"{target}: {why}"
        return None

    def _unconfigured(self, spec: TabSpec) -> UnconfiguredPane | None:
        """The state saying what ``spec``'s pane lacks, or ``None`` when it can run."""
        if spec.section and not self.clients.has(spec.section):
            hint = missing_section_hint(self.clients.profile, spec.section, self.stand_ins())
            return UnconfiguredPane(self.clients, spec, hint)
        if not self.found.has(spec.pane_id):
            return UnconfiguredPane(self.clients, spec, unbuilt_hint(spec, self._failure(spec)))
        return None

    def _placeholder(self, spec: TabSpec) -> Pane:
        return self._unconfigured(spec) or PendingPane(self.clients, spec)

    def make_pane(self, spec: TabSpec) -> Pane:
        """Build the pane for ``spec`` (importing its class), or the state saying what it lacks."""
        missing = self._unconfigured(spec)
        if missing is not None:
            return missing
        pane_class = self.found.pane_class(spec.pane_id)
        if pane_class is None:  # it failed to import just now
            return UnconfiguredPane(self.clients, spec, unbuilt_hint(spec, self._failure(spec)))
        return pane_class(self.clients)

    def pane(self, pane_id: str) -> Pane:
        """Return what the tab of ``pane_id`` holds: its pane, its pending or missing state."""
        return _held(self.tabs.get_pane(tab_id(pane_id)))

    def built(self) -> list[Pane]:
        """The panes built so far (a tab never opened holds none)."""
        return [pane for pane in self.query(Pane) if not isinstance(pane, PendingPane)]

    def opened(self, pane_id: str) -> Pane:
        """Return the tab's pane, building it now if the tab was never shown."""
        return self._build(pane_id)[0]

    def _build(self, pane_id: str) -> tuple[Pane, AwaitMount | None]:
        """The tab's pane, and the mount to await when it was built just now."""
        current = self.pane(pane_id)
        if not isinstance(current, PendingPane):
            return current, None
        fresh = self.make_pane(current.spec)
        holder = self.tabs.get_pane(tab_id(pane_id))
        current.remove()
        return fresh, holder.mount(fresh)

    @property
    def current(self) -> Pane | None:
        """The pane of the active tab."""
        active = self.tabs.active_pane
        return _held(active) if active is not None else None

    def spec_of(self, pane: Pane) -> TabSpec:
        """Return the tab a pane sits in."""
        return next(s for s in self.specs if self.pane(s.pane_id) is pane)

    def show(self, pane_id: str) -> Pane:
        """Make ``pane_id``'s tab active (building its pane the first time) and focus it.

        A pane built now is composed once it is mounted; ``open`` waits for that.
        """
        self.tabs.active = tab_id(pane_id)
        pane, mounting = self._build(pane_id)
        if mounting is None:
            self._notify_shown(pane)
            focus_first(pane)
        else:  # its widgets exist once it is mounted: tell it and focus them then
            # Nothing keeps the focus meanwhile: a focused widget left in the tab being
            # hidden would hand it to a sibling there, which takes its tab back to the front.
            self.screen.set_focus(None)
            self.call_later(self._shown_when_mounted, pane, mounting)
        return pane

    async def _shown_when_mounted(self, pane: Pane, mounting: AwaitMount) -> None:
        await mounting
        if self.current is pane:
            self._notify_shown(pane)
            focus_first(pane)

    async def open(self, pane_id: str) -> Pane:
        """Make ``pane_id``'s tab active and return its pane once it is mounted and focused."""
        self.tabs.active = tab_id(pane_id)
        pane, mounting = self._build(pane_id)
        if mounting is not None:
            await mounting
        self._notify_shown(pane)
        focus_first(pane)
        return pane

    async def refresh_unconfigured(self) -> list[str]:
        """Replace unconfigured states whose service is now there; return their pane ids."""
        replaced = []
        for spec in self.specs:
            current = self.pane(spec.pane_id)
            if not isinstance(current, UnconfiguredPane) or self._unconfigured(spec) is not None:
                continue
            showing = self.tabs.active == tab_id(spec.pane_id)
            fresh = self.make_pane(spec) if showing else PendingPane(self.clients, spec)
            await current.remove()
            await self.tabs.get_pane(tab_id(spec.pane_id)).mount(fresh)
            if showing:
                self._notify_shown(fresh)
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
            self.post_message(self.PaneShown(pane))

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content is not self.tabs or event.pane.id is None:
            return
        pane_id = event.pane.id.removeprefix("tab-")
        pane, mounting = self._build(pane_id)
        if mounting is None:
            self._notify_shown(pane)
        else:
            self.call_later(self._shown_when_mounted, pane, mounting)


def _held(tab: Widget) -> Pane:
    """The pane a tab holds; a pane just built wins over the placeholder on its way out."""
    panes = list(tab.query_children(Pane))
    built = [pane for pane in panes if not isinstance(pane, PendingPane)]
    return (built or panes)[0]


def focus_first(widget: Widget) -> None:
    """Focus ``widget`` or its first focusable descendant."""
    if widget.focusable:
        widget.focus()
        return
    for child in widget.query("*"):
        if isinstance(child, Widget) and child.focusable:
            child.focus()
            return
