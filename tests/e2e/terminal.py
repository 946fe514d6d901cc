"""A program on a pseudo-terminal, read through a terminal emulator (pyte) as a person sees it.

``Terminal(argv, env)`` starts the program with a pty of the given size as its
stdin, stdout and stderr; ``press`` types keys; ``wait_for`` reads what the
program writes, feeding the emulator, until the screen holds what is expected (or
fails with the screen as it was). Nothing here knows the console.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable, Sequence

import pyte

KEYS = {
    "enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f", "space": " ",
    "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C", "left": "\x1b[D",
    "home": "\x1b[H", "end": "\x1b[F", "f1": "\x1bOP", "f2": "\x1bOQ", "f5": "\x1b[15~",
    "pageup": "\x1b[5~", "pagedown": "\x1b[6~", "ctrl+end": "\x1b[1;5F",
    "ctrl+home": "\x1b[1;5H",
}
"""Key names as Textual spells them, and the bytes a terminal sends for them."""
SYNC_QUERY = b"\x1b[?2026$p"
"""DECRQM: does the terminal do synchronised output (mode 2026)?"""
SYNC_SUPPORTED = b"\x1b[?2026;2$y"
"""DECRPM: it does (mode known, reset)."""
SYNC_BEGIN, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"


def key_bytes(key: str) -> bytes:
    """The bytes of one key: a name from ``KEYS``, ``ctrl+x``, or literal text."""
    if key in KEYS:
        return KEYS[key].encode()
    match = re.fullmatch(r"ctrl\+([a-z])", key)
    if match:
        return bytes([ord(match.group(1)) - ord("a") + 1])
    return key.encode()


class Terminal:
    """``argv`` running on a ``columns`` x ``rows`` pseudo-terminal."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], *, columns: int = 80,
                 rows: int = 24, cwd: str | None = None) -> None:
        self.screen = pyte.Screen(columns, rows)
        self._stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        """Everything the program wrote (for a traceback hunt after the screen moved on)."""
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self._master = master
        self.drawing = False
        """Inside a frame the program has begun and not ended (synchronised output)."""
        self.process = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            start_new_session=True, close_fds=True,
        )
        os.close(slave)

    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    def press(self, *keys: str, pause: float = 0.05) -> None:
        """Type ``keys`` one after another, reading the screen in between."""
        for key in keys:
            os.write(self._master, key_bytes(key))
            # a lone ESC followed at once by a key reads as alt+key: give it time alone
            self.read(max(pause, 0.15) if key == "escape" else pause)

    def type(self, text: str) -> None:
        """Type literal text."""
        os.write(self._master, text.encode())
        self.read(0.05)

    def read(self, seconds: float) -> None:
        """Take what the program writes for up to ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._master], [], [], max(0.0, left))
            if ready:
                try:
                    chunk = os.read(self._master, 65536)
                except OSError:  # the program closed the terminal
                    return
                if not chunk:
                    return
                self._take(chunk)
            elif left <= 0:
                return

    def _take(self, chunk: bytes) -> None:
        """Feed the emulator; answer the program's question about synchronised output."""
        tail = bytes(self.output[-8:]) + chunk
        self.output.extend(chunk)
        self._stream.feed(chunk)
        if SYNC_QUERY in tail:
            # Said supported, Textual brackets every frame in BEGIN … END: the screen is
            # only looked at between frames, never half drawn.
            os.write(self._master, SYNC_SUPPORTED)
        begin, end = tail.rfind(SYNC_BEGIN), tail.rfind(SYNC_END)
        if begin != end:
            self.drawing = begin > end

    def wait_for(self, condition: str | Callable[[str], bool], *, timeout: float = 15,
                 what: str = "") -> str:
        """Read until the screen holds ``condition`` (text, or a test of the screen's text).

        Returns:
            The screen's text at that moment.

        Raises:
            AssertionError: not within ``timeout`` seconds (the message shows the screen).
        """
        holds = (lambda text: condition in text) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            if not self.drawing and holds(text):
                return text
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"never saw {what or condition!r}; the screen:\n{text}")
            self.read(0.05)

    def wait_exit(self, timeout: float = 10) -> int:
        """Read until the program exits; return its exit code."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read(0.05)
        if self.process.poll() is None:
            raise AssertionError(f"still running after {timeout} s; the screen:\n{self.text()}")
        return self.process.returncode

    def close(self) -> None:
        """End the program if it still runs (its whole session), and the terminal."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self._master)
