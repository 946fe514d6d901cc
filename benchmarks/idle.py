"""Idle benchmark: what a live pane costs an SSH session when nothing changes.

Each case runs in its own process on a real pty at a fixed size, with Textual's
own Linux driver (no headless mode): this process reads the pty's master end and
counts every byte the app writes, as an SSH session would carry them, and reads
the app's CPU time with psutil. The stand-ins (balena with log history, Balsam)
run here with their simulators off, so the live panes refresh and find nothing new.

Cases: a bare Textual app showing a static table (the peer), then the console on
the Devices, Jobs and Logs panes with live refresh on (Logs following two devices).
After the pane has drawn its data and a warm-up, each is measured for ``--seconds``.
Target: each pane within 2x of the peer's bytes/s and under 1 KB/s.

    python benchmarks/idle.py [--seconds 20] [--warmup 5] [--size 120x40] [--dump DIR]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import secrets
import selectors
import signal
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._idle_app import BALENA_TOKEN_ENV, BALSAM_PASSWORD_ENV, run_child  # noqa: E402

CASES = ("bare", "devices", "jobs", "logs")
TARGET_BYTES = 1024.0
"""Bytes per second a pane may write while idle."""
TARGET_RATIO = 2.0
"""Times the peer's bytes per second a pane may write while idle."""
READY_TIMEOUT = 90.0


@dataclass
class Figures:
    """One case's measured window."""

    case: str
    seconds: float
    bytes: int
    cpu: float
    """CPU seconds (user + system) the app used in the window."""
    startup_bytes: int
    """Bytes written before the window: the first screens, for scale."""
    requests: int
    """Requests the stand-ins served in the window: proof the pane kept refreshing."""

    @property
    def rate(self) -> float:
        return self.bytes / self.seconds

    @property
    def cpu_percent(self) -> float:
        return 100 * self.cpu / self.seconds


class Counted:
    """An ASGI app that counts the HTTP requests it serves."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


class PtyApp:
    """One case running on a pty of its own; ``drain`` counts what it writes."""

    def __init__(self, case: str, size: tuple[int, int], env: dict[str, str],
                 argv: list[str]) -> None:
        columns, rows = size
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before Textual reads it
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
            os.execve(sys.executable, argv, env)
        self.case, self.pid, self.fd = case, pid, fd
        self.written = 0
        self.dump: BinaryIO | None = None
        """Where to copy what the app writes (``--dump``), to see what an idle pane redraws."""
        self._selector = selectors.DefaultSelector()
        self._selector.register(fd, selectors.EVENT_READ)

    def drain(self, seconds: float) -> bool:
        """Read (and count) everything the app writes for ``seconds``; False once it exited."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self._selector.select(timeout=left):
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the app exited: its pty closed
                    return False
                self.written += len(chunk)
                if self.dump is not None:
                    self.dump.write(chunk)
        return True

    def watch(self, seconds: float) -> None:
        """``drain``, where the app exiting is a failure of the run."""
        if not self.drain(seconds):
            raise SystemExit(f"{self.case}: the app exited early")

    def wait_for(self, ready: Path) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while not ready.exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"{self.case}: not ready after {READY_TIMEOUT:.0f} s")
            self.watch(0.1)

    def stop(self) -> None:
        os.kill(self.pid, signal.SIGTERM)
        for _ in range(50):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            if not self.drain(0.1):
                os.waitpid(self.pid, 0)
                break
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        self._selector.close()
        os.close(self.fd)
        if self.dump is not None:
            self.dump.close()


def measure(case: str, args: argparse.Namespace, urls: tuple[str, str],
            env: dict[str, str], home: Path, served: list[Counted]) -> Figures:
    """Run ``case`` until ready, warm up, then count bytes and CPU for ``args.seconds``."""
    import psutil

    ready = home / f"{case}.ready"
    argv = [sys.executable, __file__, "--child", case, "--ready", str(ready), *urls]
    app = PtyApp(case, args.size, env, argv)
    try:
        app.wait_for(ready)
        app.watch(args.warmup)
        if args.dump is not None:
            app.dump = (args.dump / f"{case}.window").open("wb")
        process = psutil.Process(app.pid)
        before, cpu_before = app.written, sum(process.cpu_times()[:2])
        requests_before = sum(s.requests for s in served)
        started = time.monotonic()
        app.watch(args.seconds)
        elapsed = time.monotonic() - started
        cpu = sum(process.cpu_times()[:2]) - cpu_before
        requests = sum(s.requests for s in served) - requests_before
        return Figures(case, elapsed, app.written - before, cpu, before, requests)
    finally:
        app.stop()


def child_env(home: Path, token: str, password: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", FLEET_CONSOLE_HOME=str(home),
               **{BALENA_TOKEN_ENV: token, BALSAM_PASSWORD_ENV: password})
    return env


def report(results: list[Figures], size: tuple[int, int]) -> bool:
    """Print the figures and ratios against the peer; return whether every pane met the target."""
    peer = results[0]
    floor = max(peer.rate, 1.0)  # a peer that wrote nothing: compare with 1 byte/s
    print(f"Idle cost over a pty at {size[0]}x{size[1]}, {peer.seconds:.0f} s per case")
    print(f"  {'case':<9}{'bytes/s':>10}{'vs bare':>9}{'CPU %':>8}{'window bytes':>14}"
          f"{'startup bytes':>15}{'requests':>10}")
    ok = True
    for fig in results:
        ratio = fig.rate / floor
        print(f"  {fig.case:<9}{fig.rate:>10.1f}{ratio:>8.1f}x{fig.cpu_percent:>8.2f}"
              f"{fig.bytes:>14,}{fig.startup_bytes:>15,}{fig.requests:>10,}")
        if fig is not peer:
            ok &= fig.rate <= TARGET_BYTES and fig.rate <= TARGET_RATIO * floor
    verdict = "met" if ok else "MISSED"
    print(f"Target (each pane <= {TARGET_RATIO:g}x the bare app and < {TARGET_BYTES:.0f} B/s): "
          f"{verdict}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--dump", type=Path, metavar="DIR",
                        help="write each case's measured bytes to DIR/CASE.window")
    parser.add_argument("--child")
    parser.add_argument("--ready", type=Path)
    parser.add_argument("urls", nargs="*")
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.ready, *args.urls)
        return
    args.size = tuple(int(n) for n in args.size.split("x"))
    cases = args.cases.split(",")
    if cases[0] != "bare":
        cases.insert(0, "bare")
    sys.exit(0 if run(args, cases) else 1)


def run(args: argparse.Namespace, cases: list[str]) -> bool:
    from console.sandbox.balena.app import create_app
    from console.sandbox.balsam import build_app
    from console.sandbox.serve import ServerThread

    token, password = secrets.token_hex(16), secrets.token_hex(16)
    balena = Counted(create_app(token=token, devices=300, simulate=False, log_history=40))
    balsam = Counted(build_app(password=password, options={"simulate": False, "jobs": 2000}))
    with tempfile.TemporaryDirectory(prefix="idle-bench-") as tmp, \
            ServerThread(balena) as balena_server, ServerThread(balsam) as balsam_server:
        home = Path(tmp)
        env = child_env(home, token, password)
        urls = (balena_server.url, balsam_server.url)
        served = [balena, balsam]
        results = [measure(case, args, urls, env, home, served) for case in cases]
    return report(results, args.size)


if __name__ == "__main__":
    main()
