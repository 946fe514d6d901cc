"""The base of the settings models: pydantic's behaviour, without importing pydantic to read.

Every command that reads a profile validates its settings, and importing pydantic
and building its models took longer than the rest of a short command's start.
So a section checks well-formed input itself: each value of exactly its field's
type (as a TOML file holds it), every constraint and validator of the field. Input
that does not pass exactly that way goes to a pydantic model built from the same
fields, on first need: it converts what pydantic would convert and raises the
``pydantic.ValidationError`` it always raised, with the same messages and locations.

A section is declared like a pydantic model: annotated fields with defaults, and
``setting(...)`` for constraints, validators and aliases. Field types are those
TOML gives: ``bool``, ``int``, ``float``, ``str``, ``list[str]``, ``dict[str, str]``,
another section, each optionally ``| None``.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, get_args, get_origin

S = TypeVar("S", bound="Section")

_REQUIRED: Any = object()


class Setting:
    """One field's declaration: default, constraints, validator and accepted names.

    (A plain class: a dataclass costs more to define than every section here.)
    """

    __slots__ = ("aliases", "check", "default", "factory", "ge", "min_length")

    def __init__(self, default: Any = _REQUIRED, factory: Callable[[], Any] | None = None,
                 ge: int | None = None, min_length: int | None = None,
                 check: Callable[[Any], Any] | None = None, aliases: tuple[str, ...] = ()) -> None:
        self.default = default
        self.factory = factory
        self.ge = ge
        self.min_length = min_length
        self.check = check
        """Takes the value, returns it or raises ``ValueError`` (as a pydantic field validator)."""
        self.aliases = aliases
        """Keys accepted for the field, in order (pydantic's ``AliasChoices``)."""


def setting(default: Any = _REQUIRED, *, factory: Callable[[], Any] | None = None,
            ge: int | None = None, min_length: int | None = None,
            check: Callable[[Any], Any] | None = None, aliases: tuple[str, ...] = ()) -> Any:
    """Declare a field with more than a default (typed ``Any`` so any annotation accepts it)."""
    return Setting(default, factory, ge, min_length, check, aliases)


class FieldSpec:
    """A field as the checks use it."""

    __slots__ = ("kind", "name", "optional", "setting")

    def __init__(self, name: str, kind: Any, optional: bool, setting: Setting) -> None:
        self.name = name
        self.kind = kind
        """The type without ``| None``."""
        self.optional = optional
        self.setting = setting

    @property
    def keys(self) -> tuple[str, ...]:
        return self.setting.aliases or (self.name,)

    def default(self) -> Any:
        if self.setting.factory is not None:
            return self.setting.factory()
        return copy.copy(self.setting.default)


class _Unfit(Exception):
    """Input the fast checks do not take as it is: pydantic decides."""


class Section:
    """A group of settings, validated on creation; unknown keys are refused."""

    model_fields: ClassVar[dict[str, FieldSpec]] = {}
    """Field name → its declaration, in order."""
    _mirror: ClassVar[Any] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.model_fields = {name: _spec(cls, name, annotation)
                            for name, annotation in vars(cls).get("__annotations__", {}).items()}
        for name in cls.model_fields:  # the class attribute would hide nothing, but mislead
            if name in vars(cls):
                delattr(cls, name)
        cls._mirror = None

    def __init__(self, **values: Any) -> None:
        try:
            checked = _checked(type(self), values)
        except _Unfit:
            checked = _by_pydantic(type(self), values)
        self.__dict__.update(checked)

    @classmethod
    def model_validate(cls: type[S], data: Any) -> S:
        """Return ``data`` (a mapping, or an instance) as this section.

        Raises:
            pydantic.ValidationError: what pydantic says is wrong with it.
        """
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
            return cls._built(_by_pydantic(cls, data))
        return cls(**data)

    @classmethod
    def _built(cls: type[S], checked: dict[str, Any]) -> S:
        made = object.__new__(cls)
        made.__dict__.update(checked)
        return made

    def model_dump(self, *, mode: str = "python", exclude_none: bool = False,
                   exclude_defaults: bool = False) -> dict[str, Any]:
        """Return the fields as plain values (``mode`` is accepted: every value is JSON's)."""
        out: dict[str, Any] = {}
        for name, spec in self.model_fields.items():
            value = self.__dict__[name]
            if exclude_none and value is None:
                continue
            if exclude_defaults and spec.setting.default is not _REQUIRED \
                    and value == spec.default():
                continue
            if isinstance(value, Section):
                value = value.model_dump(mode=mode, exclude_none=exclude_none,
                                         exclude_defaults=exclude_defaults)
            out[name] = copy.copy(value)
        return out

    def model_copy(self: S, *, update: dict[str, Any] | None = None, deep: bool = False) -> S:
        """A copy with ``update`` applied, unchecked (as pydantic's)."""
        values = copy.deepcopy(self.__dict__) if deep else dict(self.__dict__)
        return type(self)._built({**values, **(update or {})})

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self.__dict__[name]!r}" for name in self.model_fields)
        return f"{type(self).__name__}({shown})"

    def __str__(self) -> str:
        return " ".join(f"{name}={self.__dict__[name]!r}" for name in self.model_fields)


def _spec(cls: type, name: str, annotation: Any) -> FieldSpec:
    if isinstance(annotation, str):
        raise TypeError(f"{cls.__name__}.{name}: declare settings without string annotations")
    declared = vars(cls).get(name, _REQUIRED)
    declared = declared if isinstance(declared, Setting) else Setting(default=declared)
    args = get_args(annotation)
    if isinstance(annotation, types.UnionType) and type(None) in args:
        kind, = (a for a in args if a is not type(None))
        return FieldSpec(name, kind, True, declared)
    return FieldSpec(name, annotation, False, declared)


# -- the fast checks: exact types only -------------------------------------------------------


def _checked(cls: type[Section], values: dict[str, Any]) -> dict[str, Any]:
    """The fields' values from well-formed input, else ``_Unfit``."""
    out: dict[str, Any] = {}
    used = 0
    for spec in cls.model_fields.values():
        present = [key for key in spec.keys if key in values]
        if len(present) > 1:
            raise _Unfit
        if not present:
            if spec.setting.default is _REQUIRED and spec.setting.factory is None:
                raise _Unfit
            out[spec.name] = spec.default()
            continue
        used += 1
        out[spec.name] = _field_value(spec, values[present[0]])
    if used != len(values):  # a key no field takes
        raise _Unfit
    return out


def _field_value(spec: FieldSpec, value: Any) -> Any:
    if value is None and spec.optional:
        return None
    value = _typed(spec.kind, value)
    rule = spec.setting
    if rule.ge is not None and value < rule.ge:
        raise _Unfit
    if rule.min_length is not None and len(value) < rule.min_length:
        raise _Unfit
    if rule.check is not None:
        try:
            value = rule.check(value)
        except ValueError:
            raise _Unfit from None
    return value


def _typed(kind: Any, value: Any) -> Any:
    if kind is float and type(value) in (int, float):
        return float(value)
    if kind in (bool, int, str):
        if type(value) is not kind:
            raise _Unfit
        return value
    if _is_section(kind):
        if isinstance(value, kind):
            return value
        if type(value) is dict and all(type(k) is str for k in value):
            return kind._built(_checked(kind, value))
        raise _Unfit
    origin, args = get_origin(kind), get_args(kind)
    if origin is list and args == (str,) and type(value) is list \
            and all(type(v) is str for v in value):
        return list(value)
    if origin is dict and args == (str, str) and type(value) is dict \
            and all(type(k) is str and type(v) is str for k, v in value.items()):
        return dict(value)
    raise _Unfit


# -- everything else: pydantic, as before ------------------------------------------------------


def _by_pydantic(cls: type[Section], data: Any) -> dict[str, Any]:
    """Validate with the pydantic model of ``cls``; return the fields' values.

    Raises:
        pydantic.ValidationError: the input is wrong; it names each field and why.
    """
    validated = _mirror(cls).model_validate(_plain(data))
    return _from_mirror(cls, validated)


def _plain(data: Any) -> Any:
    """``data`` with the sections in it as mappings, which the pydantic models take."""
    if isinstance(data, Section):
        return {name: _plain(value) for name, value in data.__dict__.items()}
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    return data


def _from_mirror(cls: type[Section], validated: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for spec in cls.model_fields.values():
        value = getattr(validated, spec.name)
        if _is_section(spec.kind) and value is not None:
            value = spec.kind._built(_from_mirror(spec.kind, value))
        out[spec.name] = value
    return out


def _is_section(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Section)


def _mirror(cls: type[Section]) -> Any:
    """The pydantic model with ``cls``'s fields (built once, when first needed)."""
    if cls._mirror is not None:
        return cls._mirror
    from pydantic import ConfigDict, create_model, field_validator

    fields: dict[str, Any] = {}
    validators: dict[str, Any] = {}
    for spec in cls.model_fields.values():
        kind = _mirror(spec.kind) if _is_section(spec.kind) else spec.kind
        fields[spec.name] = (kind | None if spec.optional else kind, _pydantic_field(spec.setting))
        if spec.setting.check is not None:
            validators[f"check_{spec.name}"] = field_validator(spec.name)(
                _as_validator(spec.setting.check))
    cls._mirror = create_model(cls.__name__, __config__=ConfigDict(extra="forbid"),
                               __validators__=validators, **fields)
    return cls._mirror


def _pydantic_field(rule: Setting) -> Any:
    from pydantic import AliasChoices, Field

    options: dict[str, Any] = {}
    if rule.factory is not None:
        options["default_factory"] = rule.factory
    elif rule.default is not _REQUIRED:
        options["default"] = rule.default
    if rule.ge is not None:
        options["ge"] = rule.ge
    if rule.min_length is not None:
        options["min_length"] = rule.min_length
    if rule.aliases:
        options["validation_alias"] = AliasChoices(*rule.aliases)
    return Field(**options)


def _as_validator(check: Callable[[Any], Any]) -> Any:
    def validate(cls: type, value: Any) -> Any:
        return check(value)

    return classmethod(validate)
