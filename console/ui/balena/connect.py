"""Where a balena pane gets its client: given (tests), the app's shared one, or its own."""

from __future__ import annotations

import asyncio
from typing import Any

from console.backends.balena import BalenaClient
from console.profiles import Profile


class ClientHolder:
    """Holds one pane's client; closes it on ``close()`` only if the pane made it."""

    def __init__(self, profile: Profile, client: BalenaClient | None = None) -> None:
        self.profile = profile
        self._client = client
        self._owned = False

    async def get(self, app: Any) -> BalenaClient:
        """Return the client, creating it on first use (raises ``ConsoleError`` if unconfigured)."""
        if self._client is None:
            factory = getattr(getattr(app, "clients", None), "balena", None)
            if factory is not None:
                made = factory()
                self._client = await made if asyncio.iscoroutine(made) else made
            else:
                self._client = BalenaClient.from_profile(self.profile, on_wait=_countdown(app))
                self._owned = True
        return self._client

    async def close(self) -> None:
        """Close the client if this holder created it."""
        if self._owned and self._client is not None:
            await self._client.aclose()
        self._client = None


def _countdown(app: Any) -> Any:
    """Tell the operator a 429 is being waited out, as the protocol notes ask."""

    def waiting(seconds: float) -> None:
        app.notify(
            f"Rate limited by the balena API: retrying in {seconds:.0f} s", severity="warning"
        )

    return waiting
