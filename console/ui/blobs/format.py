"""How the Blobs pane words sizes, rates and time left."""

from __future__ import annotations

import datetime as dt


def human(size: int | None) -> str:
    """Bytes as an operator reads them: ``12.0 MB``."""
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def rate_text(done: int, total: int | None, seconds: float) -> str:
    """``85.2 MB/s · 0:00:02 left`` (what is known of it)."""
    if seconds <= 0 or done <= 0:
        return "starting"
    rate = done / seconds
    text = f"{human(int(rate))}/s"
    if total:
        left = max(0.0, (total - done) / rate)
        text += f" · {dt.timedelta(seconds=round(left))} left"
    return text


def modified_text(moment: dt.datetime | None) -> str:
    """A blob's last write, in UTC to the second."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""
