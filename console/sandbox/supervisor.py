"""The background process that serves a profile's stand-ins until told to stop.

Started detached by ``fleet-console sandbox start``; writes
``<profile>/sandbox/services.json`` once every listener is up, and removes it
on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import time
from typing import Any

from console import profiles
from console.profiles import locations
from console.profiles.store import SERVICES_FILE
from console.sandbox import serve
from console.sandbox.registry import StandInContext, stand_ins


async def run(profile_name: str, options: dict[str, Any]) -> None:
    """Serve every stand-in of one profile until SIGTERM or SIGINT."""
    profile = profiles.load(profile_name)
    sandbox = locations.sandbox_dir(profile_name)
    listeners: list[tuple[Any, Any]] = []
    transports: list[str] = []
    services: dict[str, Any] = {}
    described: dict[str, Any] = {}
    for stand_in in stand_ins():
        sockets = [serve.bind() for _ in range(stand_in.nodes)]
        urls = [serve.url_of(sock, stand_in.transport) for sock in sockets]
        context = StandInContext(
            profile=profile_name,
            data_dir=sandbox / stand_in.name,
            credentials={
                k: profile.secret(stand_in.section, k) or "" for k in stand_in.credentials
            },
            options=options,
            urls=urls,
        )
        context.data_dir.mkdir(parents=True, exist_ok=True)
        apps = stand_in.node_apps(stand_in.build(context))
        listeners.extend(zip(apps, sockets))
        transports.extend([stand_in.transport] * stand_in.nodes)
        services[stand_in.section] = stand_in.endpoint(urls)
        described[stand_in.name] = {
            "section": stand_in.section, "urls": urls, "transport": stand_in.transport,
        }
    servers = await serve.serve_all(listeners, transports)

    state_file = sandbox / SERVICES_FILE
    state = {
        "pid": os.getpid(),
        "started": time.time(),
        "services": services,
        "stand_ins": described,
    }
    tmp = state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2))
    tmp.replace(state_file)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    state_file.unlink(missing_ok=True)
    for server in servers:
        server.should_exit = True
    await asyncio.sleep(0.3)


def main() -> None:
    parser = argparse.ArgumentParser(prog="fleet-console-sandbox")
    parser.add_argument("--profile", required=True)
    parser.add_argument("--options", default="{}", help="JSON object of stand-in options")
    args = parser.parse_args()
    asyncio.run(run(args.profile, json.loads(args.options)))


if __name__ == "__main__":
    main()
