"""``:diff PROFILE`` from the app: ask the current pane what it shows, open it on both profiles."""

from __future__ import annotations

from console import profiles
from console.clients import Clients
from console.errors import ConsoleError
from console.ui.diff.screen import DiffScreen
from console.ui.errors import report_error
from console.ui.panes.base import Pane

USAGE = "Usage: :diff PROFILE (from the SQL, Devices or Jobs pane)"


def diff_screen(pane: Pane | None, clients: Clients, args: str) -> DiffScreen | None:
    """Build the screen comparing ``pane``'s view on ``clients``' profile and ``args``'.

    Says why (a notification from ``pane``, or the app's screen) and returns
    ``None`` when there is nothing to compare or the profile cannot be read.
    """
    name = args.strip()
    if pane is None:
        return None
    if not name or " " in name:
        pane.notify(USAGE, title="Diff", severity="warning")
        return None
    try:
        other = profiles.load(name)
    except ConsoleError as exc:
        report_error(pane, exc)
        return None
    request = pane.diff_request()
    if request is None:
        pane.notify(f"Nothing to compare in the {pane.title} pane: :diff compares the "
                    "PostgreSQL statement at the cursor (SQL), the device filter (Devices) "
                    "or the jobs summary (Jobs).", title="Diff", severity="warning")
        return None
    return DiffScreen(request, clients, Clients(other))
