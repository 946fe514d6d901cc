"""Which theme the console shows: ``--theme`` for this run, else the profile's, else the default.

A name that is not a registered theme is never fatal: the choice falls back
and says why, so the app can tell the operator.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from console.ui.themes import DEFAULT_THEME


@dataclass(frozen=True)
class Chosen:
    """The theme to show, and what was wrong with the one asked for, if anything."""

    name: str
    problem: str | None = None


@dataclass
class ThemeChoice:
    """Decides the theme for each profile the console opens.

    Args:
        available: Names of the registered themes.
        override: ``--theme`` from the command line: it wins until the operator picks a
            theme in the app (that pick is remembered by the profile instead).
    """

    available: Collection[str]
    override: str | None = None

    def for_profile(self, profile_theme: str | None) -> Chosen:
        """Return the theme for a profile whose settings name ``profile_theme``."""
        problems = []
        for name, origin in ((self.override, "--theme"), (profile_theme, "the profile")):
            if name is None:
                continue
            if name in self.available:
                return Chosen(name, "; ".join(problems) or None)
            problems.append(f"unknown theme '{name}' ({origin})")
        default = DEFAULT_THEME if DEFAULT_THEME in self.available else "textual-dark"
        if not problems:
            return Chosen(default)
        ours = ", ".join(sorted(n for n in self.available if n.startswith("fleet-")))
        return Chosen(default, f"{'; '.join(problems)}: using {default}. Themes: {ours}, "
                               "or any of the palette's Theme list")
