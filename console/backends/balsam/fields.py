"""The job fields an operator may create or change, with the type each one takes.

``check_update`` and ``check_create`` validate bodies before anything is sent
(the server would answer 422, or silently drop a misnamed key: a parameter sent
under another name than ``parameters`` is lost, §8). ``parse_assignment`` reads
``FIELD=VALUE`` as typed on the command line or in the Jobs pane.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

from console.backends.balsam.models import JOB_STATES
from console.errors import BadQuery

Check = Callable[[str, Any], Any]


def _count(low: int) -> Check:
    def check(name: str, value: Any) -> int:
        number = _int(name, value)
        if number < low:
            raise BadQuery(f"{name} must be at least {low}, not {number}")
        return number

    return check


def _int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise BadQuery(f"{name} needs a whole number, not {value!r}")
    try:
        return int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise BadQuery(f"{name} needs a whole number, not {value!r}") from None


def _optional_int(name: str, value: Any) -> int | None:
    return None if value is None or value == "null" else _int(name, value)


def _float(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadQuery(f"{name} needs a number, not {value!r}") from None
    if number < 0:
        raise BadQuery(f"{name} cannot be negative")
    return number


def _bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise BadQuery(f"{name} is true or false, not {value!r}")


def _state(name: str, value: Any) -> str:
    state = str(value).strip().upper()
    if state not in JOB_STATES:
        raise BadQuery(f"'{value}' is not a job state (one of: {', '.join(JOB_STATES)})")
    return state


def _workdir(name: str, value: Any) -> str:
    text = str(value).strip()
    path = PurePosixPath(text)
    if not text or path.is_absolute() or ".." in path.parts:
        raise BadQuery(f"a workdir is a relative path inside the site's data folder, not {text!r}")
    return str(path)


def _strings(name: str, value: Any) -> dict[str, str]:
    value = _json(name, value) if isinstance(value, str) else value
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and k for k in value):
        raise BadQuery(f"{name} is a mapping of names to text, e.g. {{\"system\": \"H2O\"}}")
    return {k: str(v) for k, v in value.items()}


def _tags(name: str, value: Any) -> dict[str, str]:
    tags = _strings(name, value)
    if any(":" in key for key in tags):
        raise BadQuery("a tag key cannot hold ':' (the server splits KEY:VALUE at the first one)")
    return tags


def _data(name: str, value: Any) -> dict[str, Any]:
    value = _json(name, value) if isinstance(value, str) else value
    if not isinstance(value, Mapping):
        raise BadQuery(f"{name} is a JSON object")
    return dict(value)


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise BadQuery(f"{name} takes JSON, e.g. {{\"key\": \"value\"}}; not {text!r}") from None


def _text(name: str, value: Any) -> str:
    return str(value)


def _time(name: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise BadQuery(f"{name} takes an ISO 8601 time, not {value!r}") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).isoformat()


RESOURCES: dict[str, Check] = {
    "num_nodes": _count(1),
    "ranks_per_node": _count(1),
    "threads_per_rank": _count(1),
    "threads_per_core": _count(1),
    "node_packing_count": _count(1),
    "wall_time_min": _count(0),
    "gpus_per_rank": _float,
    "launch_params": _strings,
}
"""What a job asks of the machine: the same fields on create and on update."""

UPDATE: dict[str, Check] = {
    "state": _state,
    "state_timestamp": _time,
    "state_data": _data,
    "workdir": _workdir,
    "tags": _tags,
    "parameters": _strings,
    "data": _data,
    "return_code": lambda n, v: _optional_int(n, v),
    "batch_job_id": lambda n, v: _optional_int(n, v),
    "pending_file_cleanup": _bool,
    "serialized_return_value": _text,
    "serialized_exception": _text,
    **RESOURCES,
}
"""Every field a job update body may carry (upstream ``JobUpdate``)."""

CREATE: dict[str, Check] = {
    "workdir": _workdir,
    "app_id": lambda n, v: _count(1)(n, v),
    "tags": _tags,
    "parameters": _strings,
    "data": _data,
    "parent_ids": lambda n, v: sorted({_count(1)(n, i) for i in v}),
    "transfers": lambda n, v: _data(n, v),
    **RESOURCES,
}
"""Every field a job create body may carry (upstream ``JobCreate``)."""


def check_update(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate an update body; return it with typed values.

    Raises:
        BadQuery: nothing to change, an unknown field, or a value of the wrong type.
    """
    if not fields:
        raise BadQuery("nothing to change")
    return {name: _checked(UPDATE, "updatable", name, value) for name, value in fields.items()}


def check_create(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one job's create body (``app_id`` already a number).

    Raises:
        BadQuery: a missing workdir or app, an unknown field, or a bad value.
    """
    if not fields.get("workdir") or not fields.get("app_id"):
        raise BadQuery("every job needs a workdir and an app")
    return {name: _checked(CREATE, "job", name, value) for name, value in fields.items()}


def _checked(rules: Mapping[str, Check], what: str, name: str, value: Any) -> Any:
    check = rules.get(name)
    if check is None:
        raise BadQuery(f"jobs have no {what} field '{name}' (known: {', '.join(sorted(rules))})")
    return check(name, value)


def parse_assignment(text: str) -> tuple[str, Any]:
    """Read ``FIELD=VALUE`` (``num_nodes=4``, ``state=RESTART_READY``, ``tags={"a":"b"}``).

    Raises:
        BadQuery: no ``=``, an unknown field, or a value of the wrong type.
    """
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise BadQuery(f"'{text}' is not FIELD=VALUE")
    return name, _checked(UPDATE, "updatable", name, value)
