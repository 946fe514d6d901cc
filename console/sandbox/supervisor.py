"""The background process that serves a profile's stand-ins until told to stop.

Started detached by ``fleet-console sandbox start``. It holds ``supervisor.lock``
for life (one supervisor per profile), binds each node on the port it had last
time (``ports.py``), answers node stop/start requests on ``control.sock``
(``channel.py``), writes ``<profile>/sandbox/services.json`` once every listener
is up, and removes it on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from console import profiles
from console.profiles import locations
from console.profiles.atomic import write_atomically
from console.profiles.store import SERVICES_FILE
from console.sandbox import channel, lock, ports, serve
from console.sandbox.nodes import Node, Nodes
from console.sandbox.registry import StandIn, StandInContext, stand_ins

SUPERVISOR_LOCK = "supervisor.lock"
ORPHAN_CHECK_SECONDS = 1.0
"""How often the supervisor checks it can still be reached (see ``_stop_when_unreachable``)."""


def build(profile_name: str, options: dict[str, Any]) -> tuple[Nodes, dict[str, Any]]:
    """Bind every node (on its remembered port) and build what each serves.

    Returns:
        The nodes, and the profile sections they provide (for ``services.json``).
    """
    sandbox = locations.sandbox_dir(profile_name)
    profile = profiles.load(profile_name)
    known = ports.remembered(sandbox)
    nodes: list[Node] = []
    sections: dict[str, Any] = {}
    for stand_in in stand_ins():
        secret = {k: profile.secret(stand_in.section, k) or "" for k in stand_in.credentials}
        wanted = known.get(stand_in.name, [])
        sockets = [ports.bind(wanted[i] if i < len(wanted) else None)
                   for i in range(stand_in.nodes)]
        urls = [serve.url_of(sock, stand_in.transport) for sock in sockets]
        context = StandInContext(
            profile=profile_name,
            data_dir=sandbox / stand_in.name,
            credentials=secret,
            options=options,
            urls=urls,
        )
        context.data_dir.mkdir(parents=True, exist_ok=True)
        apps = stand_in.node_apps(stand_in.build(context))
        nodes.extend(_node(stand_in, i, app, sock, url)
                     for i, (app, sock, url) in enumerate(zip(apps, sockets, urls)))
        sections[stand_in.section] = stand_in.endpoint(urls)
    return Nodes(nodes), sections


def _node(stand_in: StandIn, index: int, app: Any, sock: Any, url: str) -> Node:
    port = sock.getsockname()[1]
    return Node(stand_in.name, index, app, stand_in.transport, port, url, sock=sock)


def _state(nodes: Nodes, sections: dict[str, Any]) -> dict[str, Any]:
    described: dict[str, Any] = {}
    for node in nodes.all:
        entry = described.setdefault(node.name, {"urls": [], "transport": node.transport})
        entry["urls"].append(node.url)
    return {
        "pid": os.getpid(),
        "create_time": psutil.Process().create_time(),
        "started": time.time(),
        "services": sections,
        "stand_ins": described,
    }


def handler(nodes: Nodes) -> channel.Handler:
    """Answer the control channel's requests about ``nodes``."""

    async def handle(request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "nodes":
            return {"nodes": nodes.describe()}
        if op not in ("stop", "start"):
            raise ValueError(f"unknown request {op!r}: use nodes, stop or start")
        node = nodes.find(str(request.get("name")), int(request.get("index", -1)))
        await (node.stop() if op == "stop" else node.start())
        return {"node": node.describe()}

    return handle


async def _stop_when_unreachable(control_socket: Path, stop: asyncio.Event) -> None:
    """Stop once the control socket is gone (its home deleted, say): nothing could reach
    this supervisor to stop it any more, and it would hold its ports for ever."""
    while not stop.is_set():
        await asyncio.sleep(ORPHAN_CHECK_SECONDS)
        if not control_socket.exists():
            stop.set()


async def run(profile_name: str, options: dict[str, Any]) -> None:
    """Serve every stand-in of one profile until SIGTERM or SIGINT."""
    sandbox = locations.sandbox_dir(profile_name)
    if lock.hold_for_life(sandbox / SUPERVISOR_LOCK) is None:
        sys.exit(f"another supervisor already serves profile '{profile_name}'")
    nodes, sections = build(profile_name, options)
    await nodes.start_all()
    ports.remember(sandbox, nodes.ports())
    control = await channel.serve(sandbox / channel.CONTROL_SOCKET, handler(nodes))
    state_file = sandbox / SERVICES_FILE
    write_atomically(state_file, json.dumps(_state(nodes, sections), indent=2))

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watch = asyncio.create_task(_stop_when_unreachable(sandbox / channel.CONTROL_SOCKET, stop))
    await stop.wait()
    watch.cancel()
    state_file.unlink(missing_ok=True)
    control.close()
    (sandbox / channel.CONTROL_SOCKET).unlink(missing_ok=True)
    await nodes.stop_all()


def main() -> None:
    parser = argparse.ArgumentParser(prog="fleet-console-sandbox")
    parser.add_argument("--profile", required=True)
    parser.add_argument("--options", default="{}", help="JSON object of stand-in options")
    args = parser.parse_args()
    os.chdir(Path(locations.sandbox_dir(args.profile)))  # hold no operator directory busy
    asyncio.run(run(args.profile, json.loads(args.options)))


if __name__ == "__main__":
    main()
