"""The stand-in's resource model: fields, navigations and unique rules (protocol §3).

A to-one navigation is stored on the row as the target's id (``None`` when
unset). A reverse navigation names the child resource and its foreign key.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Resource:
    """One OData resource of the model."""

    name: str
    fields: tuple[str, ...]
    to_one: dict[str, str] = field(default_factory=dict)
    """Navigation field → target resource."""
    reverse: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Reverse navigation → (child resource, child's foreign-key field)."""
    unique: tuple[tuple[str, ...], ...] = ()
    computed: tuple[str, ...] = ()
    """Fields the server derives; they cannot be written."""
    required: tuple[str, ...] = ()

    def knows(self, name: str) -> bool:
        """Whether ``name`` is a field or navigation of this resource."""
        return name in self.fields or name in self.to_one or name in self.reverse


def _vars(owner: str, parent: str) -> Resource:
    return Resource(
        name=owner,
        fields=("id", "name", "value", "created_at"),
        to_one={parent: "application" if parent == "application" else "device"},
        unique=((parent, "name"),),
        required=(parent, "name", "value"),
    )


def _tags(owner: str, parent: str) -> Resource:
    return Resource(
        name=owner,
        fields=("id", "tag_key", "value", "created_at"),
        to_one={parent: parent},
        unique=((parent, "tag_key"),),
        required=(parent, "tag_key"),
    )


DEVICE_FIELDS = (
    "id",
    "uuid",
    "device_name",
    "note",
    "is_online",
    "last_connectivity_event",
    "is_connected_to_vpn",
    "api_heartbeat_state",
    "status",
    "provisioning_state",
    "provisioning_progress",
    "download_progress",
    "overall_status",
    "overall_progress",
    "os_version",
    "os_variant",
    "supervisor_version",
    "ip_address",
    "mac_address",
    "public_address",
    "memory_usage",
    "memory_total",
    "storage_usage",
    "storage_total",
    "cpu_usage",
    "cpu_temp",
    "is_undervolted",
    "update_status",
    "is_web_accessible",
    "is_frozen",
    "is_active",
    "created_at",
    "location",
    "latitude",
    "longitude",
)

RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource(
            "organization",
            ("id", "name", "handle"),
            reverse={"owns__application": ("application", "organization")},
            unique=(("handle",),),
        ),
        Resource(
            "device_type",
            ("id", "slug", "name", "is_of__cpu_architecture"),
            reverse={"device_type_alias": ("device_type_alias", "device_type")},
            unique=(("slug",),),
        ),
        Resource(
            "device_type_alias",
            ("id", "is_referenced_by__alias"),
            to_one={"device_type": "device_type"},
        ),
        Resource("user", ("id", "username", "email")),
        Resource(
            "application",
            (
                "id",
                "app_name",
                "slug",
                "uuid",
                "is_of__class",
                "should_track_latest_release",
                "is_host",
                "is_archived",
                "is_public",
                "created_at",
            ),
            to_one={
                "organization": "organization",
                "is_for__device_type": "device_type",
                "should_be_running__release": "release",
            },
            reverse={
                "owns__device": ("device", "belongs_to__application"),
                "owns__release": ("release", "belongs_to__application"),
                "application_tag": ("application_tag", "application"),
                "application_environment_variable": (
                    "application_environment_variable",
                    "application",
                ),
                "application_config_variable": ("application_config_variable", "application"),
                "service": ("service", "application"),
                "is_directly_accessible_by__user": ("user", "*"),
            },
            unique=(("slug",),),
            computed=("slug", "uuid", "created_at"),
            required=("app_name", "organization", "is_for__device_type"),
        ),
        Resource(
            "release",
            (
                "id",
                "commit",
                "status",
                "created_at",
                "is_final",
                "is_invalidated",
                "is_passing_tests",
                "semver",
                "raw_version",
                "revision",
                "variant",
                "note",
            ),
            to_one={"belongs_to__application": "application"},
            reverse={
                "release_tag": ("release_tag", "release"),
                "is_running_on__device": ("device", "is_running__release"),
                "is_pinned_to__device": ("device", "is_pinned_on__release"),
                "operates__device": ("device", "should_be_operated_by__release"),
            },
        ),
        Resource(
            "device",
            tuple(DEVICE_FIELDS),
            to_one={
                "belongs_to__application": "application",
                "is_of__device_type": "device_type",
                "is_running__release": "release",
                "is_pinned_on__release": "release",
                "should_be_running__release": "release",
                "should_be_operated_by__release": "release",
            },
            reverse={
                "device_tag": ("device_tag", "device"),
                "device_environment_variable": ("device_environment_variable", "device"),
                "device_config_variable": ("device_config_variable", "device"),
                "image_install": ("image_install", "device"),
                "service_install": ("service_install", "device"),
            },
            unique=(("uuid",),),
            computed=("overall_status", "overall_progress", "should_be_running__release"),
            required=("belongs_to__application", "is_of__device_type"),
        ),
        _tags("device_tag", "device"),
        _tags("application_tag", "application"),
        Resource(
            "release_tag",
            ("id", "tag_key", "value"),
            to_one={"release": "release"},
            unique=(("release", "tag_key"),),
        ),
        _vars("device_environment_variable", "device"),
        _vars("device_config_variable", "device"),
        _vars("application_environment_variable", "application"),
        _vars("application_config_variable", "application"),
        Resource(
            "service",
            ("id", "service_name"),
            to_one={"application": "application"},
            reverse={
                "service_environment_variable": ("service_environment_variable", "service"),
                "service_install": ("service_install", "installs__service"),
            },
        ),
        Resource(
            "service_environment_variable",
            ("id", "name", "value", "created_at"),
            to_one={"service": "service"},
            unique=(("service", "name"),),
            required=("service", "name", "value"),
        ),
        Resource(
            "device_service_environment_variable",
            ("id", "name", "value", "created_at"),
            to_one={"service_install": "service_install"},
            unique=(("service_install", "name"),),
            required=("service_install", "name", "value"),
        ),
        Resource("image", ("id",), to_one={"is_a_build_of__service": "service"}),
        Resource(
            "image_install",
            ("id", "status", "download_progress", "install_date"),
            to_one={
                "device": "device",
                "installs__image": "image",
                "image": "image",
                "is_provided_by__release": "release",
            },
        ),
        Resource(
            "service_install",
            ("id",),
            to_one={"device": "device", "installs__service": "service"},
            reverse={
                "device_service_environment_variable": (
                    "device_service_environment_variable",
                    "service_install",
                )
            },
            unique=(("device", "installs__service"),),
        ),
        Resource(
            "api_key",
            ("id", "name", "description", "created_at", "expiry_date"),
            to_one={"is_of__actor": "user"},
        ),
    )
}
"""Every resource the stand-in serves under ``/v7``."""
