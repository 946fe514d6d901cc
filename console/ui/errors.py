"""Turn a failed worker into words for the operator, so no traceback ever reaches one.

Every pane (and screen) that runs workers uses the same three lines::

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

Workers run with ``exit_on_error=False``, so a failure leaves the app running;
this handler says what happened. A ``ConsoleError`` is shown as it is (its
message is already free of secrets); anything else is a bug in the console,
shown with its type and logged, with the profile's secrets masked.

Where it is said depends on who asked. A one-off action the operator triggered
(open, save, delete…) gets a notification. A pane's live refresh, which fails again
every few seconds while a service is down, is said once in the pane's status line —
since when, how many attempts, what to do — and the pane's own text comes back with
the first refresh that works. A pane names those workers' groups in ``live_groups``.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from console import profiles
from console.errors import AuthError, Cancelled, ConsoleError, RateLimited, Unavailable, redact
from console.invocation import as_typed
from console.profiles import Profile
from console.ui.widgets.status_line import StatusLine


def failure_of(event: Worker.StateChanged) -> BaseException | None:
    """Return the exception a worker ended with, or ``None`` if it did not fail."""
    if event.state is not WorkerState.ERROR:
        return None
    return event.worker.error


def describe(error: BaseException, secrets: tuple[str, ...] = ()) -> str:
    """What the operator reads about ``error``: its message, secrets masked, hints as typed."""
    if isinstance(error, ConsoleError):
        return as_typed(redact(str(error), secrets))
    return redact(f"{type(error).__name__}: {error}", secrets)


def report_error(node: DOMNode, error: BaseException, secrets: tuple[str, ...] = ()) -> None:
    """Notify the operator of ``error`` from ``node``."""
    if isinstance(error, Cancelled):
        node.notify(describe(error), title=error.title, severity="warning", markup=False)
    elif isinstance(error, ConsoleError):
        node.notify(describe(error, secrets), title=error.title, severity="error", markup=False)
    else:
        node.log.error(f"worker failed: {type(error).__name__}: {error!r}")
        node.notify(describe(error, secrets), title="Unexpected error", severity="error",
                    markup=False)


def report_failure(node: DOMNode, event: Worker.StateChanged) -> BaseException | None:
    """Say that the worker behind ``event`` failed, where it belongs; return its error.

    A worker of one of ``node.live_groups`` reports into the node's ``StatusLine``
    (and its success clears what it reported); any other failure is a notification.
    """
    error = failure_of(event)
    profile = _profile_of(node)
    secrets = profile.secret_values() if profile is not None else ()
    status = _live_status(node, event.worker)
    if status is None or isinstance(error, Cancelled):
        if error is not None:
            report_error(node, error, secrets)
        return error
    if error is not None:
        if not isinstance(error, ConsoleError):
            node.log.error(f"worker failed: {type(error).__name__}: {error!r}")
        status.fail(describe(error, secrets), what_to_do(node, error, profile))
    elif event.state is WorkerState.SUCCESS:
        status.recovered()
    return error


def what_to_do(node: DOMNode, error: BaseException, profile: Profile | None) -> str:
    """A short hint for a refresh that keeps failing, naming the command as typed."""
    live = getattr(node, "live", None)
    seconds = getattr(live, "seconds", None)
    retrying = f"retrying every {seconds:g} s" if seconds else "r reloads"
    if isinstance(error, AuthError) and profile is not None:
        return as_typed(f"check the credentials: `fleet-console {_on(profile)}profiles show "
                        f"{profile.name}`")
    if isinstance(error, RateLimited):
        return f"the service asks to slow down; {retrying}"
    if isinstance(error, Unavailable) and profile is not None and profile.settings.sandbox:
        return as_typed(f"{retrying}; local services stopped? "
                        f"`fleet-console {_on(profile)}sandbox start`")
    section = getattr(node, "section", None)
    if isinstance(error, Unavailable) and section:
        return f"{retrying}; check the service and the profile's [{section}] settings"
    return retrying


def _on(profile: Profile) -> str:
    """``--profile NAME `` unless NAME is what a command uses without it."""
    return "" if profile.name == profiles.default_name() else f"--profile {profile.name} "


def _profile_of(node: DOMNode) -> Profile | None:
    profile = getattr(node, "profile", None) or getattr(node.app, "profile", None)
    return profile if isinstance(profile, Profile) else None


def _live_status(node: DOMNode, worker: Worker[object]) -> StatusLine | None:
    """The node's status line when ``worker`` is one of its live refreshes, else None."""
    if worker.group not in getattr(node, "live_groups", ()):
        return None
    return next(iter(node.query(StatusLine)), None)
