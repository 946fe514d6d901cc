"""What the console remembers of a profile between sessions: the tab last used.

A small JSON file in the profile's state directory, replaced whole; a file that
cannot be read is treated as empty (it only saves the operator a key press).
"""

from __future__ import annotations

import json
from typing import Any

from console.profiles import locations
from console.profiles.atomic import write_atomically

STATE_FILE = "ui.json"


def load(profile: str) -> dict[str, Any]:
    """Return the profile's remembered UI state (``{}`` when there is none or it is unreadable)."""
    try:
        data = json.loads((locations.state_dir(profile) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(profile: str, **values: Any) -> None:
    """Merge ``values`` into the profile's UI state.

    Raises:
        OSError: the state directory cannot be written (the caller may ignore it).
    """
    state = load(profile) | values
    write_atomically(locations.state_dir(profile) / STATE_FILE, json.dumps(state, indent=2))
