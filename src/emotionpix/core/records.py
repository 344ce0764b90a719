"""What every record (a dataclass) shares: one way to become JSON, and a digest of its shape.

A record's JSON is its fields by name, in order: records inside become JSON the same way,
tuples become lists. A field may give its JSON another key (``json_key``) or stand for its
record's own fields (``INLINE``: a Pick is a Movie's fields plus its reason).
"""

from __future__ import annotations

import hashlib
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from types import MappingProxyType
from typing import Any

_SCALARS = frozenset({str, int, float, bool, type(None)})


# Field metadata: ``field(metadata=INLINE)``, ``field(metadata=json_key("movies"))``.
INLINE: Mapping[str, Any] = MappingProxyType({"inline": True})


def json_key(name: str) -> Mapping[str, Any]:
    """Field metadata: the field's JSON key is ``name``."""
    return MappingProxyType({"json_key": name})


class JsonRecord:
    """Gives a dataclass ``to_dict``: its JSON (``as_json``)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON (lists, not tuples)."""
        return as_json(self)


def as_json(record: object) -> dict[str, Any]:
    """A record as the API speaks it."""
    found: dict[str, Any] = {}
    for name, key, inlined in _layout(type(record)):
        value = getattr(record, name)
        if type(value) not in _SCALARS:
            value = _json(value)
        if inlined:
            found.update(value)
        else:
            found[key] = value
    return found


def json_fields(record: type) -> dict[str, Any]:
    """The keys of a record's JSON, each with its field's type (inline fields expanded)."""
    hints = typing.get_type_hints(record)
    found: dict[str, Any] = {}
    for name, key, inlined in _layout(record):
        if inlined:
            found.update(json_fields(hints[name]))
        else:
            found[key] = hints[name]
    return found


def shape(record: type) -> str:
    """A digest of a record's field names and types: it changes when the record does, so a
    cache key that folds it in never meets a value written for another shape."""
    described = ";".join(f"{f.name}:{f.type}" for f in fields(record))
    return hashlib.sha256(described.encode()).hexdigest()[:12]


_LAYOUTS: dict[type, tuple[tuple[str, str, bool], ...]] = {}


def _layout(record: type) -> tuple[tuple[str, str, bool], ...]:
    """(field name, JSON key, inline?) for each field, in order; worked out once a class."""
    found = _LAYOUTS.get(record)
    if found is None:
        found = _LAYOUTS[record] = tuple(
            (f.name, f.metadata.get("json_key", f.name), bool(f.metadata.get("inline")))
            for f in fields(record)
        )
    return found


def _json(value: Any) -> Any:
    # The type is looked up, not tested with isinstance: a page of films is thousands of values.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [item if type(item) in _SCALARS else _json(item) for item in value]
    if kind is dict:
        return {key: _json(item) for key, item in value.items()}
    if is_dataclass(value):
        return as_json(value)
    return value
