"""Stand-ins the integration tests share: one per test module, configured by the module.

A module names its credentials and options with constants, and the fixtures build the
stand-in once for the module:

* ``balsam_standin`` — the Balsam stand-in; ``PASSWORD``, optional ``BALSAM_OPTIONS``
  (default: still, 200 jobs); ``balsam_client`` logs in to it as ``operator``.
* ``balena_standin`` — the balena stand-in; ``TOKEN``; ``balena_client`` uses it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from console.sandbox.serve import ServerThread

BALSAM_OPTIONS = {"simulate": False, "jobs": 200}


@pytest.fixture(scope="module")
def balsam_standin(request: pytest.FixtureRequest) -> Iterator[ServerThread]:
    """The Balsam stand-in of this test module."""
    from console.sandbox.balsam import build_app

    options = getattr(request.module, "BALSAM_OPTIONS", BALSAM_OPTIONS)
    app = build_app(password=request.module.PASSWORD, options=dict(options))
    with ServerThread(app) as running:
        yield running


@pytest.fixture
async def balsam_client(
    balsam_standin: ServerThread, request: pytest.FixtureRequest
) -> AsyncIterator[Any]:
    """A Balsam client of this module's stand-in, logged in."""
    from console.backends.balsam import BalsamClient

    password = request.module.PASSWORD
    async with BalsamClient(balsam_standin.url, username="operator", password=password) as c:
        await c.login()
        yield c


@pytest.fixture(scope="module")
def balena_standin(request: pytest.FixtureRequest) -> Iterator[ServerThread]:
    """The balena stand-in of this test module (still: no simulator)."""
    from console.sandbox.balena.app import create_app

    with ServerThread(create_app(token=request.module.TOKEN, simulate=False)) as running:
        yield running


@pytest.fixture
async def balena_client(
    balena_standin: ServerThread, request: pytest.FixtureRequest
) -> AsyncIterator[Any]:
    """A balena client of this module's stand-in, with a profile name for the audit log."""
    from console.backends.balena import BalenaClient

    profile = getattr(request.module, "AUDIT_PROFILE", None)
    async with BalenaClient(
        balena_standin.url, request.module.TOKEN, timeout=5, profile=profile
    ) as client:
        yield client
