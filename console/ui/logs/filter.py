"""What the Logs pane's ``/`` filter accepts, and how a line is tested and highlighted.

Grammar (words separated by spaces, in any order)::

    service=42,43   only lines of these services, by id or name (``svc=`` too);
                    names (``service=main,43``) stand for the ids ``resolve`` finds
    is:stderr       only stderr lines         is:system   only system lines
    not:system      hide system lines         not:stderr  hide stderr lines
    re:PATTERN      a regular expression on the message (``/PATTERN/`` too)
    anything else   text the message must contain

Text and patterns are smart-case: all lower case matches any case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from console.backends.balena.logs import LogLine
from console.errors import BadQuery

__all__ = ["FilterError", "LogFilter"]


class FilterError(BadQuery):
    """The filter text cannot be used (a bad pattern, or a service no device has)."""

    default_title = "Bad filter"


@dataclass(frozen=True)
class LogFilter:
    """Which lines the pane shows."""

    text: str = ""
    regex: bool = False
    services: frozenset[int] = frozenset()
    """Service ids typed (``service=42``)."""
    service_names: frozenset[str] = frozenset()
    """Service names typed (``service=main``), in lower case."""
    named: frozenset[int] = frozenset()
    """The ids the names stand for on the devices followed (``resolve`` fills it)."""
    stderr: bool | None = None
    """True: only stderr; False: no stderr; None: both."""
    system: bool | None = None
    """True: only system lines; False: none; None: both."""
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    allowed: frozenset[int] = field(init=False, compare=False, repr=False)
    """Every service id shown: typed ones and those of the names (one set test per line)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", self.services | self.named)

    @classmethod
    def parse(cls, spec: str) -> LogFilter:
        """Read the filter grammar above.

        Raises:
            FilterError: a pattern that does not compile, or ``service=`` with nothing after.
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

    def resolve(self, names: Mapping[int, str]) -> LogFilter:
        """Turn the service names typed into the ids they have on the devices followed.

        Args:
            names: Service id to name, for every service of the devices followed (one
                name may have several ids when devices of several fleets are merged).

        Raises:
            FilterError: a name none of the devices has (the known names are listed).
        """
        if not self.service_names:
            return self
        known = {name.lower() for name in names.values()}
        unknown = sorted(self.service_names - known)
        if unknown:
            offer = ", ".join(sorted(known)) or "none known"
            raise FilterError(f"no service named {', '.join(unknown)} here ({offer})")
        ids = {sid for sid, name in names.items() if name.lower() in self.service_names}
        return replace(self, named=frozenset(ids))

    @property
    def by_service(self) -> bool:
        """Whether lines are kept by service (by id, or by a name)."""
        return bool(self.services or self.service_names)

    @property
    def active(self) -> bool:
        """Whether it hides anything at all."""
        return bool(self.text or self.by_service) or {self.stderr, self.system} != {None}

    def matches(self, line: LogLine) -> bool:
        """Whether the pane shows this line (a name not yet resolved matches nothing)."""
        if self.stderr is not None and line.is_stderr != self.stderr:
            return False
        if self.system is not None and line.is_system != self.system:
            return False
        if self.by_service and line.service_id not in self.allowed:
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
        if search is not None and not self.by_service and {self.stderr, self.system} == {None}:
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
        if self.by_service:
            typed = [*sorted(self.service_names), *(str(s) for s in sorted(self.services))]
            parts.append("service " + ",".join(typed))
        for name, value in (("stderr", self.stderr), ("system", self.system)):
            if value is not None:
                parts.append(f"{'only' if value else 'no'} {name}")
        return " ".join(parts) or "none"


def _option(word: str, options: dict[str, object]) -> bool:
    key, sep, value = word.partition("=")
    if sep and key.lower() in ("service", "svc", "services"):
        values = [v for v in value.split(",") if v]
        if not values:
            raise FilterError(f"{key}= needs service ids or names, e.g. {key}=main,42")
        options["services"] = frozenset(int(v) for v in values if v.isdigit())
        options["service_names"] = frozenset(v.lower() for v in values if not v.isdigit())
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
