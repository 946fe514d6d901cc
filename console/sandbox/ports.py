"""The ports a profile's stand-ins listened on, remembered so a restart binds the same ones.

Clients hold addresses: a console's balena client, a log follower, the Jobs pane.
With the same port after ``sandbox stop`` / ``start`` they reconnect by themselves;
with a new one they would keep knocking on a closed door. A remembered port that
another program took meanwhile is given up for a free one (and the new one is
remembered).
"""

from __future__ import annotations

import contextlib
import json
import socket
from pathlib import Path

from console.profiles.atomic import write_atomically
from console.sandbox import serve

PORTS_FILE = "ports.json"


def remembered(sandbox: Path) -> dict[str, list[int]]:
    """Return each stand-in's ports by node index, as last saved (empty when unknown)."""
    try:
        data = json.loads((sandbox / PORTS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(name): [int(port) for port in ports if isinstance(port, int) and 0 < port < 65536]
        for name, ports in data.items()
        if isinstance(ports, list)
    }


def remember(sandbox: Path, ports: dict[str, list[int]]) -> None:
    """Save each stand-in's ports for the next start (a failing disk only costs that)."""
    with contextlib.suppress(OSError):
        write_atomically(sandbox / PORTS_FILE, json.dumps(ports, indent=2, sort_keys=True))


def bind(preferred: int | None) -> socket.socket:
    """Listen on ``preferred`` when it is free, else on any free port."""
    if preferred:
        # OSError: another program took it while the stand-ins were stopped.
        with contextlib.suppress(OSError):
            return serve.bind(port=preferred)
    return serve.bind()
