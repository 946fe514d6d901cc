"""The one-line header: the console's name, a status slot, and the active profile's badge.

The badge carries the profile's name and colour (``-color-<name>``) and says
when the profile is read-only, so the environment is visible on every screen,
with or without colour (under ``NO_COLOR`` it names the colour and is reversed).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from console.profiles import Profile
from console.profiles.settings import COLORS

HINT = "? keys · ^p commands · : command line"
"""What the status slot says when there is no notice."""


def badge_text(profile: Profile, *, no_color: bool = False) -> str:
    """Return what the badge says for ``profile``.

    Under ``NO_COLOR`` the badge cannot be red or green, so it names the colour:
    ``prod`` still reads differently from ``local`` at a glance.
    """
    color = f" · {profile.settings.color}" if no_color else ""
    suffix = " · read-only" if profile.read_only else ""
    return f" ● {profile.name}{color}{suffix} "


class ProfileHeader(Horizontal):
    """The top line of the console."""

    DEFAULT_CSS = """
    ProfileHeader { height: 1; dock: top; }
    ProfileHeader #header-title { width: auto; padding: 0 1; text-style: bold; }
    ProfileHeader #header-status { width: 1fr; padding: 0 1; color: $text-muted; }
    ProfileHeader #header-badge { width: auto; text-style: bold; }
    """

    def __init__(self, profile: Profile) -> None:
        super().__init__(id="header")
        self.profile = profile

    def compose(self) -> ComposeResult:
        yield Static("Fleet Console", id="header-title", markup=False)
        yield Static(HINT, id="header-status", markup=False)
        yield Static(badge_text(self.profile, no_color=self.app.no_color), id="header-badge",
                     markup=False)

    def on_mount(self) -> None:
        self.show_profile(self.profile)

    def show_profile(self, profile: Profile) -> None:
        """Show ``profile``'s name, colour and read-only flag."""
        self.profile = profile
        badge = self.query_one("#header-badge", Static)
        badge.update(badge_text(profile, no_color=self.app.no_color))
        for color in COLORS:
            badge.set_class(color == profile.settings.color, f"-color-{color}")
        badge.set_class(profile.read_only, "-read-only")

    def show_status(self, text: str) -> None:
        """Show a short notice (e.g. services starting); empty brings back the key hint."""
        self.query_one("#header-status", Static).update(text or HINT)
