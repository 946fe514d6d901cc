"""Start a sandbox profile's local services from the app, as ``sandbox start`` does."""

from __future__ import annotations

from console.backends.errors import Unavailable
from console.sandbox import control
from console.sandbox.postgres import PostgresStartFailed


def start(profile_name: str) -> list[control.ServiceStatus]:
    """Start whatever local service is not running (blocking: call it from a worker).

    Raises:
        Unavailable: a service did not come up; the message says which and why.
    """
    try:
        return control.start(profile_name)
    except (control.SandboxError, PostgresStartFailed) as exc:
        raise Unavailable(str(exc), title="Local services") from exc


def summary(report: list[control.ServiceStatus]) -> str:
    """Say in one line what runs, e.g. ``postgres, balena running``."""
    running = sorted({s.name for s in report if s.state == "running"})
    down = sorted({s.name for s in report if s.state != "running"})
    text = f"{', '.join(running) or 'nothing'} running"
    return f"{text}; not running: {', '.join(down)}" if down else text
