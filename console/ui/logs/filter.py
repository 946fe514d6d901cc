"""What the Logs pane's ``/`` filter accepts, and how a line is tested and highlighted.

Grammar (words separated by spaces, in any order)::

    service=42,43   only lines of these service ids (``svc=`` too)
    is:stderr       only stderr lines         is:system   only system lines
    not:system      hide system lines         not:stderr  hide stderr lines
    re:PATTERN      a regular expression on the message (``/PATTERN/`` too)
    anything else   text the message must contain

Text and patterns are smart-case: all lower case matches any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from console.backends.balena.logs import LogLine

__all__ = ["FilterError", "LogFilter"]


class FilterError(ValueError):
    """The filter text cannot be used (a bad pattern or service id)."""


@dataclass(frozen=True)
class LogFilter:
    """Which lines the pane shows."""

    text: str = ""
    regex: bool = False
    services: frozenset[int] = frozenset()
    stderr: bool | None = None
    """True: only stderr; False: no stderr; None: both."""
    system: bool | None = None
    """True: only system lines; False: none; None: both."""
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, spec: str) -> LogFilter:
        """Read the filter grammar above.

        Raises:
            FilterError: a pattern that does not compile, or a service that is not a number.
        """
        words: list[str] = []
        options: dict[str, object] = {}
        pattern: str | None = None
        tokens = spec.split()
        for i, word in enumerate(tokens):
            if word.lower().startswith("re:"):
                pattern = " ".join([word[3:], *tokens[i + 1 :]])  # the rest is the pattern
                break
            if len(word) > 2 and word[0] == word[-1] == "/":
                pattern = word[1:-1]
            elif not _option(word, options):
                words.append(word)
        if pattern is not None and words:
            raise FilterError("give either text or a pattern, not both")
        text = pattern if pattern is not None else " ".join(words)
        regex = pattern is not None
        return cls(text=text, regex=regex, pattern=_compile(text, regex), **options)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        """Whether it hides anything at all."""
        return bool(self.text or self.services) or {self.stderr, self.system} != {None}

    def matches(self, line: LogLine) -> bool:
        """Whether the pane shows this line."""
        if self.stderr is not None and line.is_stderr != self.stderr:
            return False
        if self.system is not None and line.is_system != self.system:
            return False
        if self.services and line.service_id not in self.services:
            return False
        return self.pattern is None or self.pattern.search(line.message) is not None

    def select(self, events: list[Any]) -> list[Any]:
        """The events the pane shows, in order (non-line events always pass).

        The common filters (none, or only a text/pattern) take a fast path: at
        50,000 lines/s a method call per line is a noticeable share of the loop.
        """
        if not self.active:
            return events
        search = self.pattern.search if self.pattern is not None else None
        if search is not None and not self.services and {self.stderr, self.system} == {None}:
            return [e for e in events if type(e) is not LogLine or search(e.message)]
        matches = self.matches
        return [e for e in events if type(e) is not LogLine or matches(e)]

    def spans(self, message: str) -> list[tuple[int, int]]:
        """Where the text or pattern matches in a message (to highlight)."""
        if self.pattern is None:
            return []
        return [m.span() for m in self.pattern.finditer(message) if m.end() > m.start()]

    def describe(self) -> str:
        """A short summary for the status line."""
        parts = []
        if self.text:
            parts.append(f"/{self.text}/" if self.regex else repr(self.text))
        if self.services:
            parts.append("service " + ",".join(str(s) for s in sorted(self.services)))
        for name, value in (("stderr", self.stderr), ("system", self.system)):
            if value is not None:
                parts.append(f"{'only' if value else 'no'} {name}")
        return " ".join(parts) or "none"


def _option(word: str, options: dict[str, object]) -> bool:
    key, sep, value = word.partition("=")
    if sep and key.lower() in ("service", "svc", "services"):
        try:
            options["services"] = frozenset(int(v) for v in value.split(",") if v)
        except ValueError as exc:
            raise FilterError(f"service ids are numbers, not {value!r}") from exc
        return True
    lowered = word.lower()
    for prefix, flag in (("is:", True), ("not:", False)):
        if lowered in (prefix + "stderr", prefix + "system"):
            options[lowered[len(prefix) :]] = flag
            return True
    return False


def _compile(text: str, regex: bool) -> re.Pattern[str] | None:
    if not text:
        return None
    flags = re.IGNORECASE if text == text.lower() else 0
    try:
        return re.compile(text if regex else re.escape(text), flags)
    except re.error as exc:
        raise FilterError(f"bad pattern {text!r}: {exc}") from exc
