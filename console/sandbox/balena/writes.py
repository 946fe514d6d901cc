"""Create, update and delete rows with the API's rules (protocol §8, §11).

Every refusal is a ``StoreError`` carrying the status and message the real
API gives for it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from console.sandbox.balena import hup
from console.sandbox.balena.schema import RESOURCES, Resource
from console.sandbox.balena.seed import hex_id, iso
from console.sandbox.balena.store import Row, Store, StoreError

CLASSES = ("fleet", "block", "app")
_rng = random.Random()


def _now(store: Store) -> dt.datetime:
    return dt.datetime.fromtimestamp(store.clock(), dt.timezone.utc)


def _check_fields(schema: Resource, body: dict[str, Any]) -> None:
    for key in body:
        if key not in schema.fields and key not in schema.to_one:
            raise StoreError(500, "")  # unknown field: the API answers 500, empty
        if key in schema.computed or key == "id":
            raise StoreError(400, f"'{key}' of {schema.name} cannot be written")


def _check_links(store: Store, schema: Resource, body: dict[str, Any]) -> None:
    for nav, target in schema.to_one.items():
        value = body.get(nav)
        if value is not None and store.get(target, value) is None:
            raise StoreError(
                400,
                f"It is necessary that each {schema.name} that has a {nav}, "
                f"has a {nav} that exists.",
            )


def _check_unique(store: Store, schema: Resource, row: Row, skip: int | None = None) -> None:
    for fields in schema.unique:
        if any(row.get(f) is None for f in fields):
            continue
        for other in store.rows(schema.name):
            if other["id"] != skip and all(other.get(f) == row.get(f) for f in fields):
                names = " and ".join(f'"{f}"' for f in fields)
                raise StoreError(409, f"{names} must be unique.")


def create(store: Store, resource: str, body: dict[str, Any]) -> Row:
    """Insert a row from a POST body."""
    schema = RESOURCES[resource]
    if resource == "application":
        body = _new_application(store, body)
    else:
        _check_fields(schema, body)
    if resource == "device":
        body = _new_device(body)
    for field in schema.required:
        if body.get(field) is None:
            raise StoreError(400, f"It is necessary that each {resource} has a {field}.")
    _check_links(store, schema, body)
    row = {**body}
    if "created_at" in schema.fields:
        row.setdefault("created_at", iso(_now(store)))  # as the API: created now
    _check_unique(store, schema, row)
    return store.insert(resource, row)


def _new_application(store: Store, body: dict[str, Any]) -> dict[str, Any]:
    _check_fields(RESOURCES["application"], body)
    name = body.get("app_name")
    if not isinstance(name, str) or not 4 <= len(name) <= 100:
        raise StoreError(
            400,
            "It is necessary that each application has an app name that has a Length (Type) "
            "that is greater than or equal to 4 and is less than or equal to 100.",
        )
    klass = body.get("is_of__class", "fleet")
    if klass not in CLASSES:
        raise StoreError(400, "Check constraint violated")
    org = store.get("organization", body.get("organization"))
    if org is None:
        raise StoreError(400, "It is necessary that each application belongs to an organization.")
    return {
        "should_track_latest_release": True,
        "is_host": False,
        "is_archived": False,
        "is_public": False,
        **body,
        "is_of__class": klass,
        "slug": f"{org['handle']}/{name}".lower(),
        "uuid": hex_id(_rng),
    }


def _new_device(body: dict[str, Any]) -> dict[str, Any]:
    uuid = body.get("uuid") or hex_id(_rng)
    if len(uuid) not in (32, 62):
        raise StoreError(400, "Device uuid must be 32 or 62 characters long")
    return {
        "is_online": False,
        "api_heartbeat_state": "unknown",
        "is_active": True,
        "is_frozen": False,
        "device_name": uuid[:7],
        **body,
        "uuid": uuid,
    }


def update(store: Store, resource: str, rows: list[Row], body: dict[str, Any]) -> None:
    """Apply a PATCH body to every matched row."""
    if not body:
        raise StoreError(400, "No fields to update")
    schema = RESOURCES[resource]
    _check_fields(schema, body)
    for row in rows:
        changes = dict(body)
        if resource == "device":
            changes = _device_changes(store, row, changes)
        elif resource == "application":
            changes = _application_changes(store, row, changes)
        _check_links(store, schema, changes)
        _check_unique(store, schema, {**row, **changes}, skip=row["id"])
        store.update(resource, row, changes)


def _device_changes(store: Store, row: Row, changes: dict[str, Any]) -> dict[str, Any]:
    fleet_id = changes.get("belongs_to__application", row.get("belongs_to__application"))
    if "belongs_to__application" in changes and changes["belongs_to__application"] != row.get(
        "belongs_to__application"
    ):
        if store.get("application", fleet_id) is None:
            raise StoreError(404, "Application doesn't exist or you have no access to it.")
        changes.setdefault("is_pinned_on__release", None)  # a move clears the pin
    pin = changes.get("is_pinned_on__release")
    if pin is not None:
        release = store.get("release", pin)
        if (
            release is None
            or release["belongs_to__application"] != fleet_id
            or release["status"] != "success"
        ):
            raise StoreError(
                400,
                "It is necessary that each device that is pinned on a release, is pinned on a "
                "successful release that belongs to the application the device belongs to.",
            )
    if changes.get("should_be_operated_by__release") is not None:
        changes.update(hup.start(store, row, changes["should_be_operated_by__release"]))
    if "device_name" in changes and "\n" in str(changes["device_name"]):
        raise StoreError(400, "It is necessary that each device name has no line breaks.")
    return changes


def _application_changes(store: Store, row: Row, changes: dict[str, Any]) -> dict[str, Any]:
    """A rename gives a new slug (the server keeps it ``org/name``); a target release must
    be a successful one of the fleet."""
    if "app_name" in changes:
        name = changes["app_name"]
        if not isinstance(name, str) or not 4 <= len(name) <= 100:
            raise StoreError(
                400,
                "It is necessary that each application has an app name that has a Length "
                "(Type) that is greater than or equal to 4 and is less than or equal to 100.",
            )
        org = store.get("organization", row.get("organization")) or {"handle": ""}
        changes["slug"] = f"{org['handle']}/{name}".lower()
    target = changes.get("should_be_running__release")
    if target is not None:
        release = store.get("release", target)
        if (
            release is None
            or release["belongs_to__application"] != row["id"]
            or release["status"] != "success"
        ):
            raise StoreError(
                400,
                "It is necessary that each application that should be running a release, "
                "should be running a successful release that belongs to the application.",
            )
    return changes


CASCADE = {
    "application": (
        "application_tag",
        "application_environment_variable",
        "application_config_variable",
        "service",
        "device",
        "release",
    ),
    "device": (
        "device_tag",
        "device_environment_variable",
        "device_config_variable",
        "image_install",
        "service_install",
    ),
    "service": ("service_environment_variable", "service_install"),
    "service_install": ("device_service_environment_variable",),
    "release": ("release_tag",),
}
"""What goes with a deleted row (open-balena-api's delete cascades)."""


def delete(store: Store, resource: str, rows: list[Row]) -> None:
    """Delete the matched rows with what depends on them: a fleet takes its devices and
    releases, a device its tags and variables; devices merely running a deleted release
    lose the link."""
    for row in list(rows):
        _delete_one(store, resource, row)


def _delete_one(store: Store, resource: str, row: Row) -> None:
    schema = RESOURCES[resource]
    for child, fk in schema.reverse.values():
        if fk == "*" or not store.child_ids(child, fk, row["id"]):
            continue
        if child in CASCADE.get(resource, ()):
            for dependent in store.children(child, fk, row["id"]):
                _delete_one(store, child, dependent)
        elif resource == "release" and child == "device":
            for device in store.children(child, fk, row["id"]):
                store.update("device", device, {fk: None})
        elif child in ("device", "release"):
            raise StoreError(409, f"Data is referenced by {child}.")
    store.delete(resource, row)
