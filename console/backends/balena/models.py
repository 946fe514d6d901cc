"""Typed records the balena client returns, read from the API's JSON rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DEVICE_SELECT = (
    "id",
    "uuid",
    "device_name",
    "is_online",
    "api_heartbeat_state",
    "overall_status",
    "overall_progress",
    "last_connectivity_event",
    "os_version",
    "supervisor_version",
    "ip_address",
    "note",
    "is_active",
    "belongs_to__application",
    "is_running__release",
    "is_pinned_on__release",
    "should_be_running__release",
    "should_be_operated_by__release",
    "os_variant",
    "provisioning_state",
    "provisioning_progress",
    "cpu_temp",
)
"""Fields a device list asks for (computed ones must be named, §3)."""

DEVICE_EXPAND: dict[str, Any] = {
    "belongs_to__application": {"$select": ["id", "slug"]},
    "is_running__release": {"$select": ["id", "commit", "raw_version"]},
    "is_pinned_on__release": {"$select": ["id", "commit", "raw_version"]},
    "is_of__device_type": {"$select": ["slug", "name"]},
}


def link_id(value: Any) -> int | None:
    """The id behind a navigation field: ``{"__id": 7}``, ``[{"id": 7}]`` or ``None``."""
    if isinstance(value, dict):
        return value.get("__id", value.get("id"))
    if isinstance(value, list) and value:
        return value[0].get("id")
    return None


def expanded(value: Any) -> dict[str, Any]:
    """The single row of an expanded to-one navigation, or ``{}``."""
    if isinstance(value, list) and value:
        first = value[0]
        return first if isinstance(first, dict) else {}
    return {}


@dataclass(frozen=True)
class Release:
    """One release of a fleet."""

    id: int
    commit: str
    raw_version: str | None = None
    status: str | None = None
    created_at: str | None = None
    fleet_id: int | None = None

    @classmethod
    def from_api(cls, row: dict[str, Any]) -> Release:
        """Read a ``release`` row."""
        return cls(
            id=row["id"],
            commit=row.get("commit") or "",
            raw_version=row.get("raw_version"),
            status=row.get("status"),
            created_at=row.get("created_at"),
            fleet_id=link_id(row.get("belongs_to__application")),
        )

    @property
    def label(self) -> str:
        """Version and short commit, as shown in tables."""
        short = self.commit[:7]
        return f"{self.raw_version} ({short})" if self.raw_version else short

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return asdict(self)


@dataclass(frozen=True)
class Device:
    """One device, with its fleet and releases when they were expanded."""

    id: int
    uuid: str
    name: str
    is_online: bool = False
    status: str | None = None
    heartbeat: str | None = None
    last_seen: str | None = None
    os_version: str | None = None
    supervisor_version: str | None = None
    ip_address: str | None = None
    note: str | None = None
    is_active: bool | None = None
    progress: int | None = None
    fleet_id: int | None = None
    fleet_slug: str | None = None
    device_type: str | None = None
    running: Release | None = None
    pinned: Release | None = None
    target_release_id: int | None = None
    os_variant: str | None = None
    os_target_id: int | None = None
    """The host OS release an update is taking the device to (``should_be_operated_by``)."""
    provisioning_state: str | None = None
    provisioning_progress: int | None = None
    cpu_temp: int | None = None

    @classmethod
    def from_api(cls, row: dict[str, Any]) -> Device:
        """Read a ``device`` row (expanded or not)."""
        running = expanded(row.get("is_running__release"))
        pinned = expanded(row.get("is_pinned_on__release"))
        return cls(
            id=row["id"],
            uuid=row.get("uuid") or "",
            name=row.get("device_name") or "",
            is_online=bool(row.get("is_online")),
            status=row.get("overall_status"),
            heartbeat=row.get("api_heartbeat_state"),
            last_seen=row.get("last_connectivity_event"),
            os_version=row.get("os_version"),
            supervisor_version=row.get("supervisor_version"),
            ip_address=row.get("ip_address"),
            note=row.get("note"),
            is_active=row.get("is_active"),
            progress=row.get("overall_progress"),
            fleet_id=link_id(row.get("belongs_to__application")),
            fleet_slug=expanded(row.get("belongs_to__application")).get("slug"),
            device_type=expanded(row.get("is_of__device_type")).get("slug"),
            running=Release.from_api(running) if running else None,
            pinned=Release.from_api(pinned) if pinned else None,
            target_release_id=link_id(row.get("should_be_running__release")),
            os_variant=row.get("os_variant"),
            os_target_id=link_id(row.get("should_be_operated_by__release")),
            provisioning_state=row.get("provisioning_state") or None,
            provisioning_progress=row.get("provisioning_progress"),
            cpu_temp=row.get("cpu_temp"),
        )

    @property
    def os_update(self) -> str | None:
        """Where a host OS update stands (``downloading 40%``), or ``None`` when none runs."""
        state = self.provisioning_state or ""
        if "os update" not in state.lower():
            return None
        step = state.split(":", 1)[-1].strip() or "in progress"
        progress = self.provisioning_progress
        return f"{step} {progress}%" if progress is not None and progress < 100 else step

    @property
    def short_uuid(self) -> str:
        """The 7-character uuid the CLI and panes show."""
        return self.uuid[:7]

    @property
    def release_label(self) -> str:
        """Running release, with a marker when the device is pinned."""
        label = self.running.label if self.running else ""
        return f"{label} (pinned)" if self.pinned else label

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        data = asdict(self)
        data["short_uuid"] = self.short_uuid
        return data


@dataclass(frozen=True)
class Fleet:
    """One fleet (application), with device counts when asked for."""

    id: int
    name: str
    slug: str
    uuid: str = ""
    fleet_class: str = "fleet"
    device_type: str | None = None
    organization: str | None = None
    device_count: int | None = None
    online_count: int | None = None
    target_release_id: int | None = None
    track_latest: bool | None = None

    @classmethod
    def from_api(cls, row: dict[str, Any]) -> Fleet:
        """Read an ``application`` row."""
        return cls(
            id=row["id"],
            name=row.get("app_name") or "",
            slug=row.get("slug") or "",
            uuid=row.get("uuid") or "",
            fleet_class=row.get("is_of__class") or "fleet",
            device_type=expanded(row.get("is_for__device_type")).get("slug"),
            organization=expanded(row.get("organization")).get("handle"),
            device_count=_count(row.get("owns__device")),
            target_release_id=link_id(row.get("should_be_running__release")),
            track_latest=row.get("should_track_latest_release"),
        )

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return asdict(self)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Tag:
    """A tag of a fleet or a device."""

    id: int
    key: str
    value: str

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return asdict(self)


@dataclass(frozen=True)
class Variable:
    """An environment or config variable of a fleet or a device."""

    id: int
    name: str
    value: str
    kind: str = "env"
    """``env`` or ``config``."""

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return asdict(self)


@dataclass(frozen=True)
class ServiceVariable:
    """An environment variable of one service, on a fleet or on one device."""

    id: int
    service: str
    name: str
    value: str

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return asdict(self)


@dataclass(frozen=True)
class ServiceState:
    """One service install on a device."""

    name: str
    status: str | None
    release: str | None
    progress: int | None = None


@dataclass(frozen=True)
class ActionResult:
    """What one device's part of a (bulk) action came to."""

    target: str
    """The identifier the operator gave."""
    ok: bool
    message: str
    device: Device | None = None
    confirmed: bool = True
    """``False`` when the API did not answer in time: the device may still act on it."""

    @property
    def status(self) -> str:
        """``ok``, ``failed`` or ``not confirmed`` (sent, but no answer came back)."""
        if self.ok:
            return "ok"
        return "failed" if self.confirmed else "not confirmed"

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``."""
        return {
            "target": self.target,
            "ok": self.ok,
            "status": self.status,
            "message": self.message,
            "uuid": self.device.uuid if self.device else None,
            "name": self.device.name if self.device else None,
        }


@dataclass(frozen=True)
class DevicePage:
    """One page of a device list and the total the filter matches."""

    devices: list[Device]
    total: int
    skip: int = 0
    fleet_names: dict[int, str] = field(default_factory=dict)
