"""Turn a failed worker into a notification, so no traceback ever reaches an operator.

Every pane (and screen) that runs workers uses the same three lines::

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)

Workers run with ``exit_on_error=False``, so a failure leaves the app running;
this handler says what happened. A ``ConsoleError`` is shown as it is (its
message is already free of secrets); anything else is a bug in the console,
shown with its type and logged, with the profile's secrets masked.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from console.errors import Cancelled, ConsoleError, redact


def failure_of(event: Worker.StateChanged) -> BaseException | None:
    """Return the exception a worker ended with, or ``None`` if it did not fail."""
    if event.state is not WorkerState.ERROR:
        return None
    return event.worker.error


def report_error(node: DOMNode, error: BaseException, secrets: tuple[str, ...] = ()) -> None:
    """Notify the operator of ``error`` from ``node``."""
    if isinstance(error, Cancelled):
        node.notify(str(error), title=error.title, severity="warning")
    elif isinstance(error, ConsoleError):
        node.notify(redact(str(error), secrets), title=error.title, severity="error")
    else:
        node.log.error(f"worker failed: {type(error).__name__}: {error!r}")
        message = redact(f"{type(error).__name__}: {error}", secrets)
        node.notify(message, title="Unexpected error", severity="error")


def report_failure(node: DOMNode, event: Worker.StateChanged) -> BaseException | None:
    """Notify the operator when the worker behind ``event`` failed; return its error."""
    error = failure_of(event)
    if error is not None:
        profile = getattr(node, "profile", None) or getattr(node.app, "profile", None)
        secrets = profile.secret_values() if profile is not None else ()
        report_error(node, error, secrets)
    return error
