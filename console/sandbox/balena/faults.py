"""Fault switches tests flip to make the stand-in misbehave like the real service can.

Reachable in-process (``app.state.faults``) and over HTTP:
``POST /_sandbox/faults {"rate_limited": 2, "retry_after": 1, "malformed": 1,
"slow": 0.5, "slow_count": 3}`` (``GET`` shows them; an empty object clears them).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, fields
from typing import Any

from starlette.responses import Response


@dataclass
class Faults:
    """What the next requests to ``/v7`` and ``/supervisor`` suffer."""

    rate_limited: int = 0
    """The next N requests answer ``429`` with ``Retry-After``."""
    retry_after: int = 1
    """Seconds named in ``Retry-After``."""
    malformed: int = 0
    """The next N successful GETs answer 200 with a body that is not JSON."""
    slow: float = 0.0
    """Seconds each request waits before it is answered."""
    slow_count: int = 0
    """How many requests are slowed; 0 means every one while ``slow`` is set."""

    def set(self, values: dict[str, Any]) -> None:
        """Replace every switch (missing keys go back to their defaults)."""
        defaults = Faults()
        for item in fields(self):
            setattr(
                self,
                item.name,
                type(getattr(defaults, item.name))(
                    values.get(item.name, getattr(defaults, item.name))
                ),
            )

    def as_dict(self) -> dict[str, Any]:
        """The switches, for ``GET /_sandbox/faults``."""
        return asdict(self)

    async def before(self) -> Response | None:
        """Wait or refuse as the switches say; return a response to send instead."""
        if self.slow > 0:
            if self.slow_count:
                self.slow_count -= 1
                if self.slow_count == 0:
                    delay, self.slow = self.slow, 0.0
                    await asyncio.sleep(delay)
                    return self.refusal()
            await asyncio.sleep(self.slow)
        return self.refusal()

    def refusal(self) -> Response | None:
        """A ``429`` while ``rate_limited`` lasts."""
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return Response(
                '"Too Many Requests"',
                status_code=429,
                media_type="application/json",
                headers={"Retry-After": str(self.retry_after)},
            )
        return None

    def garble(self, response: Response, method: str) -> Response:
        """Swap a successful GET's body for broken JSON while ``malformed`` lasts."""
        if self.malformed > 0 and method == "GET" and response.status_code == 200:
            self.malformed -= 1
            return Response('{"d": [{"id": 1, "uuid": ', media_type="application/json")
        return response
