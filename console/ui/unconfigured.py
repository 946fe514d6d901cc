"""The state of a tab that cannot show its pane: what is missing, and exactly how to add it."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from console.clients import Clients
from console.invocation import as_typed
from console.profiles import Profile
from console.ui.panes.base import Pane
from console.ui.tabs import TabSpec


def missing_section_hint(profile: Profile, section: str, stand_ins: frozenset[str]) -> str:
    """Say what to add so that ``profile`` can use ``section``.

    A sandbox profile is told to start the local services only when a stand-in
    exists for the section; otherwise it gets the settings to add, like any profile.
    """
    if profile.settings.sandbox and section in stand_ins:
        return profile.missing_hint(section)
    settings = profile.settings.model_copy(update={"sandbox": False})
    return dataclasses.replace(profile, settings=settings).missing_hint(section)


def unbuilt_hint(spec: TabSpec, failure: str | None) -> str:
    """Say why a configured tab has no pane to show."""
    if failure:
        return f"The {spec.title} pane could not be loaded: {failure}"
    section = f"The [{spec.section}] section is configured, but" if spec.section else "But"
    return (
        f"{section} this build of the console registers no {spec.title} pane "
        "(PANES in console/ui/panes/__init__.py)."
    )


class UnconfiguredPane(Pane, can_focus=True):
    """A tab whose pane cannot run: names the setting or service that is missing."""

    DEFAULT_CSS = """
    UnconfiguredPane { padding: 1 2; }
    UnconfiguredPane .unconfigured--title { text-style: bold; margin-bottom: 1; }
    """

    pane_id: ClassVar[str] = "unconfigured"
    title: ClassVar[str] = "Not configured"
    key: ClassVar[str] = ""

    def __init__(self, clients: Clients, spec: TabSpec, hint: str) -> None:
        self.spec = spec
        self.hint = hint
        """The exact text shown: what to add, start or fix."""
        super().__init__(clients, id=f"pane-{spec.pane_id}")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(f"{self.spec.title}: not available", classes="unconfigured--title",
                         markup=False)
            yield Static(as_typed(self.hint), classes="unconfigured--hint", markup=False)
