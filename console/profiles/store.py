"""Load, list, add, remove and choose profiles.

A profile is a directory: ``settings.toml`` (read by ``ProfileSettings``),
``credentials.toml`` (mode 0600) and whatever state the console keeps for it.
Two profiles never share a file.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from console import processes
from console.errors import Conflict, ConsoleError, NotFound
from console.profiles import locations, toml_lines
from console.profiles.atomic import write_atomically
from console.profiles.settings import (
    PROFILE_NAME,
    SERVICE_SECTIONS,
    ProfileSettings,
    local_defaults,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

LOCAL = "local"
PROFILE_ENV = "FLEET_CONSOLE_PROFILE"
SERVICES_FILE = "services.json"
"""Written by the local stand-ins: the URL of each running service."""


class SecretStr:
    """A secret that never shows in a repr, a log or a message (as pydantic's, without it)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretStr('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class ProfileInvalid(ConsoleError):
    """A profile's files cannot be read as settings."""

    default_title = "Bad profile"


@dataclass(frozen=True)
class Profile:
    """A named environment: settings, credentials and a data directory."""

    name: str
    settings: ProfileSettings
    data_dir: Path
    credentials: dict[str, dict[str, SecretStr]] = field(default_factory=dict, repr=False)

    @property
    def read_only(self) -> bool:
        """Whether every write must be refused."""
        return self.settings.read_only

    def secret(self, section: str, key: str) -> str | None:
        """Return a secret from the credentials file or the variable its settings name."""
        stored = self.credentials.get(section, {}).get(key)
        if stored is not None:
            return stored.get_secret_value()
        service = getattr(self.settings, section, None)
        env_name = getattr(service, f"{key}_env", None) if service is not None else None
        if env_name:
            return os.environ.get(env_name)
        return None

    def secret_values(self) -> tuple[str, ...]:
        """Return every known secret, so messages can be scrubbed of them: those of the
        credentials file and those read from the environment variables the settings name."""
        values = [s.get_secret_value() for keys in self.credentials.values() for s in keys.values()]
        for section in SERVICE_SECTIONS:
            service = getattr(self.settings, section, None)
            for field_name in type(service).model_fields if service is not None else ():
                variable = getattr(service, field_name) if field_name.endswith("_env") else None
                if variable:
                    values.append(os.environ.get(variable, ""))
        return tuple(dict.fromkeys(v for v in values if v))

    def service(self, section: str) -> Any | None:
        """Return the settings of one service, with local stand-in URLs filled in."""
        configured = getattr(self.settings, section)
        if configured is not None or not self.settings.sandbox:
            return configured
        running = _read_services(self.data_dir).get(section)
        if running is None:
            return None
        return SERVICE_SECTIONS[section].model_validate(running)

    def missing_hint(self, section: str) -> str:
        """Say exactly what an operator must add to use a service in this profile.

        A stand-in for section X lives in the package ``console.sandbox.X``.
        """
        if self.settings.sandbox and importlib.util.find_spec(f"console.sandbox.{section}"):
            return (
                f"The local {section} stand-in is not running. Start it with "
                f"`fleet-console --profile {self.name} sandbox start`."
            )
        example = _SECTION_EXAMPLES[section]
        return (
            f"Profile '{self.name}' has no [{section}] section. Add one to "
            f"{locations.settings_file(self.name)}:\n\n{example}"
        )


_SECTION_EXAMPLES = {
    "postgres": (
        '[postgres]\nhost = "db.example.com"\nuser = "operator"\npassword_env = "PGPASSWORD"'
    ),
    "balena": '[balena]\nurl = "https://api.balena-cloud.com"\ntoken_env = "BALENA_TOKEN"',
    "balsam": (
        '[balsam]\nurl = "https://balsam.example.org"\nusername = "me"\n'
        'password_env = "BALSAM_PASSWORD"'
    ),
    "cratedb": (
        '[cratedb]\nnodes = ["https://crate-1:4200", "https://crate-2:4200"]\n'
        'username = "ops"\npassword_env = "CRATE_PASSWORD"\n'
        'ca_cert = "/etc/ssl/certs/crate-ca.pem"      # verify_ssl_cert = true by default'
    ),
    "ignite": (
        '[ignite]\nnodes = ["ignite-1:10800", "ignite-2:10800", "ignite-3:10800"]\n'
        'username = "ignite"\npassword_env = "IGNITE_PASSWORD"\n'
        '# tls = true\n# ca_file = "/etc/ignite/ca.pem"'
    ),
}


def _read_services(data_dir: Path) -> dict[str, Any]:
    path = data_dir / "sandbox" / SERVICES_FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not _writer_alive(data, path.parent):
        return {}
    return data.get("services", {})


def _writer_alive(state: dict[str, Any], sandbox: Path) -> bool:
    """Whether the supervisor that wrote a state file still runs (a killed one leaves it):
    a stale file must read as "not running", so the stand-ins are started again."""
    try:
        pid, created = int(state["pid"]), float(state["create_time"])
    except (KeyError, TypeError, ValueError):
        return True  # written by an older supervisor: trust it, as before
    started = processes.started(pid)
    if started is None:
        return False
    # after a wall-clock step the start time moves; the supervisor works in the sandbox
    return abs(started - created) < 0.05 or processes.works_in(pid, sandbox)


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a bad one is a message naming the file and line, never its text.

    Raises:
        ProfileInvalid: unreadable, not UTF-8, or not TOML.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProfileInvalid(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ProfileInvalid(f"{path}: line {line}, column {column}: not UTF-8 text "
                             f"(byte 0x{data[exc.start]:02x}); save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message names the line, never the value
        raise ProfileInvalid(f"{path}: invalid TOML: {exc}") from None


def _validation_message(path: Path, exc: Any) -> str:
    """Name the file, then each wrong key with its line (never its value: it may be secret)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # gone since it was parsed: the keys alone still help
        text = ""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        line = toml_lines.line_of(text, error["loc"])
        at = f"line {line}: " if line is not None else ""
        problems.append(f"  {at}{where}: {error['msg']}")
    return f"{path}: invalid settings\n" + "\n".join(problems)


def check_name(name: str) -> str:
    """Return ``name`` if it can name a profile, else raise ``ProfileInvalid``."""
    if not PROFILE_NAME.match(name):
        raise ProfileInvalid(
            f"'{name}' cannot name a profile: use letters, digits, '.', '_' or '-' (max 64)"
        )
    return name


def names() -> list[str]:
    """Return every profile's name, ``local`` included, sorted."""
    found = {p.name for p in locations.profiles_dir().iterdir() if (p / "settings.toml").exists()}
    found.add(LOCAL)
    return sorted(found)


def load(name: str) -> Profile:
    """Read one profile.

    Raises:
        NotFound: no profile has that name.
        ProfileInvalid: its settings or credentials cannot be read.
    """
    check_name(name)
    path = locations.settings_file(name)
    if not path.exists():
        if name != LOCAL:
            known = ", ".join(names())
            raise NotFound(f"no profile named '{name}' (known: {known})", title="Unknown profile")
        save_settings(LOCAL, local_defaults())
    try:
        settings = ProfileSettings.model_validate(_read_toml(path))
    except ValueError as exc:  # pydantic.ValidationError, imported only when one is raised
        raise ProfileInvalid(_validation_message(path, exc)) from exc
    return Profile(name, settings, locations.profile_dir(name), _load_credentials(name))


def _load_credentials(name: str) -> dict[str, dict[str, SecretStr]]:
    path = locations.credentials_file(name)
    if not path.exists():
        return {}
    _check_private(path)
    raw = _read_toml(path)
    credentials: dict[str, dict[str, SecretStr]] = {}
    for section, values in raw.items():
        if not isinstance(values, dict):
            raise ProfileInvalid(f"{path}: [{section}] must be a table of secrets")
        credentials[section] = {key: SecretStr(str(value)) for key, value in values.items()}
    return credentials


def _check_private(path: Path) -> None:
    """Refuse a credentials file others may read: its secrets may already have leaked.

    Raises:
        ProfileInvalid: group or others have any permission; the message has the fix.
    """
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ProfileInvalid(
            f"{path} can be read by other users (mode {mode:04o}); its secrets are not used. "
            f"Fix it with: chmod 600 '{path}' (and replace the secrets if others could "
            "have read them)", title="Credentials exposed")


def save_settings(name: str, settings: ProfileSettings) -> Path:
    """Write a profile's settings (0600, atomically), creating its directory."""
    locations.profile_dir(check_name(name))
    path = locations.settings_file(name)
    data = settings.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    write_atomically(path, tomli_w.dumps(data))
    return path


def set_secret(name: str, section: str, key: str, value: str) -> None:
    """Store one secret in the profile's 0600 credentials file."""
    locations.profile_dir(check_name(name))
    path = locations.credentials_file(name)
    current = _read_toml(path) if path.exists() else {}
    current.setdefault(section, {})[key] = value
    write_atomically(path, tomli_w.dumps(current), mode=0o600)


def copy_secrets(source: str, name: str) -> None:
    """Give profile ``name`` a copy of ``source``'s credentials file (0600), if it has one."""
    origin = locations.credentials_file(check_name(source))
    if origin.exists():
        locations.profile_dir(check_name(name))
        write_atomically(locations.credentials_file(name), origin.read_text(), mode=0o600)


def add(name: str, settings: ProfileSettings) -> Profile:
    """Create a profile.

    Raises:
        Conflict: a profile of that name exists already.
    """
    if locations.settings_file(check_name(name)).exists() or name == LOCAL:
        raise Conflict(f"profile '{name}' already exists")
    save_settings(name, settings)
    return load(name)


def remove(name: str) -> None:
    """Delete a profile and its whole data directory (``local`` cannot be removed)."""
    if name == LOCAL:
        raise Conflict("the 'local' profile always exists and cannot be removed")
    if not locations.settings_file(check_name(name)).exists():
        raise NotFound(f"no profile named '{name}'", title="Unknown profile")
    if default_name() == name:
        set_default(LOCAL)
    shutil.rmtree(locations.profiles_dir() / name)


def default_name() -> str:
    """Return the profile used when ``--profile`` is not given."""
    from_env = os.environ.get(PROFILE_ENV)
    if from_env:
        return from_env
    path = locations.root_config_file()
    if not path.exists():
        return LOCAL
    return str(_read_toml(path).get("default_profile", LOCAL))


def set_default(name: str) -> None:
    """Make ``name`` the profile used when none is given."""
    if name not in names():
        raise NotFound(f"no profile named '{name}'", title="Unknown profile")
    write_atomically(locations.root_config_file(), tomli_w.dumps({"default_profile": name}))
