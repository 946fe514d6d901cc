"""Fields the API derives on read: ``overall_status``, progress and the target release."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from console.sandbox.balena.store import Row, Store


def overall_status(store: Store, row: Row) -> str:
    """The device's status in the CASE order of open-balena-api."""
    if row.get("is_active") is False:
        return "inactive"
    if row.get("provisioning_state") == "Post-Provisioning":
        return "post-provisioning"
    if not row.get("is_online"):
        return "disconnected"
    if row.get("download_progress") is not None:
        return "updating"
    if row.get("is_undervolted"):
        return "reduced-functionality"
    return "operational"


def overall_progress(store: Store, row: Row) -> int | None:
    """Download progress while updating, else nothing."""
    return row.get("download_progress")


def should_be_running(store: Store, row: Row) -> int | None:
    """The pin if there is one, else the fleet's target release."""
    if row.get("is_pinned_on__release") is not None:
        return row["is_pinned_on__release"]
    fleet = store.get("application", row.get("belongs_to__application"))
    return fleet.get("should_be_running__release") if fleet else None


COMPUTED: dict[tuple[str, str], Callable[[Store, Row], Any]] = {
    ("device", "overall_status"): overall_status,
    ("device", "overall_progress"): overall_progress,
    ("device", "should_be_running__release"): should_be_running,
}


def getter(store: Store, resource: str, field: str) -> Callable[[Row], Any]:
    """Return a fast function reading one field of a row, computed or stored."""
    compute = COMPUTED.get((resource, field))
    if compute is not None:
        return lambda row: compute(store, row)
    return lambda row: row.get(field)
