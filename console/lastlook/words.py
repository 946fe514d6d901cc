"""How a "since last look" summary reads: its age and its parts."""

from __future__ import annotations

from collections.abc import Iterable

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def ago(seconds: float) -> str:
    """``just now``, ``5 min ago``, ``2 h ago``, ``3 days ago`` (rounded down)."""
    if seconds < MINUTE:
        return "just now"
    if seconds < HOUR:
        return f"{int(seconds // MINUTE)} min ago"
    if seconds < DAY:
        return f"{int(seconds // HOUR)} h ago"
    days = int(seconds // DAY)
    return "1 day ago" if days == 1 else f"{days} days ago"


def summary(age: float, parts: Iterable[str], *, hint: str = "") -> str:
    """``Since last look (2 h ago): 3 went offline, 1 new · z: seen``; empty without parts.

    Parts are joined with ", " so the status line wraps between them, never mid-word.
    """
    said = [part for part in parts if part]
    if not said:
        return ""
    text = f"Since last look ({ago(age)}): {', '.join(said)}"
    return f"{text} · {hint}" if hint else text
