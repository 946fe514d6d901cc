"""App-level glue: build a profile's service clients, starting local servers when needed.

Shared by the CLI and the UI. It may import ``console.sandbox`` because it sits
above both layers: the backends never start servers, the sandbox never
imports the backends.
"""

from __future__ import annotations

from console.backends.errors import ConsoleError, Unavailable
from console.backends.postgres import PostgresClient
from console.profiles import Profile, locations


def postgres_client(profile: Profile) -> PostgresClient:
    """Return a PostgreSQL client for the profile (blocking: may start a server).

    For a profile whose ``[postgres]`` is ``embedded``, the profile's own
    server is started unless it runs, and the client connects through its
    socket directory.

    Raises:
        ConsoleError: the profile has no ``[postgres]`` section; the message says what to add.
        Unavailable: the embedded server would not start; the message holds its log's tail.
    """
    settings = profile.service("postgres")
    if settings is None:
        raise ConsoleError(profile.missing_hint("postgres"), profile=profile.name,
                           title="PostgreSQL not configured")
    if not settings.embedded:
        return PostgresClient(profile)
    return PostgresClient(profile, host=_embedded_socket_dir(profile.name))


def _embedded_socket_dir(name: str) -> str:
    from console.sandbox.postgres import LocalPostgres, PostgresStartFailed

    # Reading postmaster.pid answers "is it up?" without importing the sandbox's
    # control module, whose stand-in registry pulls in Starlette (~0.1 s on every
    # `fleet-console sql`); the start itself is control's.
    state = LocalPostgres(locations.sandbox_dir(name)).state()
    if not state.running:
        from console.sandbox import control

        try:
            state = control.ensure_postgres(name)
        except PostgresStartFailed as exc:
            raise Unavailable(str(exc), profile=name,
                              operation="start local PostgreSQL") from exc
    if not state.running or state.socket_dir is None:
        raise Unavailable(f"the local PostgreSQL of profile '{name}' is not running; start it "
                          f"with `fleet-console --profile {name} sandbox start`",
                          profile=name, operation="start local PostgreSQL")
    return state.socket_dir
