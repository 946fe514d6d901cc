"""Since last look in the Logs pane, against the balena stand-in's log hub over loopback.

The last line read is written with the store (as the pane writes it on leaving), the
device writes more lines through the stand-in, then the pane follows it once: the
status says how many lines are new and a divider sits right before the first of them.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from console import profiles
from console.backends.balena import BalenaClient
from console.clients import Clients
from console.lastlook.logs import from_data, to_data
from console.profiles import ProfileSettings, last_look
from console.sandbox.serve import ServerThread
from console.ui.logs.render import DIVIDER_MARK
from console.ui.panes.logs import LogsPane
from tests.pilot import wait_for
from tests.ui.hosts import PaneApp

_names = itertools.count()


async def test_reopen_counts_new_lines_and_divides_them_from_the_read_ones(
    balena_client: BalenaClient, balena_server: ServerThread
) -> None:
    state: Any = balena_server.app.state.balena
    uuid = min(state.store.rows("device"), key=lambda d: d["id"])["uuid"]
    read = state.hub.append(uuid, "read before", service_id=1)
    for n in (1, 2):
        state.hub.append(uuid, f"unread {n}", service_id=1)
    profile = profiles.add(f"since-logs-{next(_names)}", ProfileSettings())
    last_look.save(profile.name, "logs", to_data({uuid: read}), taken_at=time.time() - 7200)
    pane = LogsPane(Clients(profile, balena=balena_client))
    async with PaneApp(pane).run_test(size=(80, 24)) as pilot:
        pane.tail([uuid])
        await wait_for(pilot, lambda: any("unread 2" in line for line in pane.view.lines))
        lines = list(pane.view.lines)
        divider = next(i for i, line in enumerate(lines) if line.startswith(DIVIDER_MARK))
        assert "2 new lines since last look (2 h ago)" in lines[divider]
        assert "read before" in lines[divider - 1] and "unread 1" in lines[divider + 1]
        assert "2 new lines since last look" in pane._status_text()
        live = state.hub.append(uuid, "live after", service_id=1)
        await wait_for(pilot, lambda: any("live after" in line for line in pane.view.lines))
        assert "2 new lines since last look" in pane._status_text()  # live lines are not "since"
    look = last_look.load(profile.name, "logs")
    assert look is not None and from_data(look.data) == {uuid: live}  # quitting saved it
