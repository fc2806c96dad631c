"""Compares our generated protobuf classes with the betterproto bindings of Talos v1.6 (``talos_linux_api``).

Two independent checks, both by field *number* (what travels on the wire):

* ``structural_problems``: every field betterproto declares exists in our message with the same number,
  name, protobuf type and (for enums) value numbers, recursively;
* ``roundtrip_problems``: a message of ours populated with a distinct value in every field betterproto
  knows is serialized, parsed by betterproto (which must see no unknown field and read back the same
  values), serialized again by betterproto and parsed by us into an equal message.

Fields only we have (Talos added them after v1.6) are left out of the round trip and listed by
``ours_only_fields``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterator
from typing import Any

import betterproto
from betterproto.casing import safe_snake_case
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

_TYPES: dict[str, int] = {
    "string": FieldDescriptor.TYPE_STRING,
    "bytes": FieldDescriptor.TYPE_BYTES,
    "bool": FieldDescriptor.TYPE_BOOL,
    "int32": FieldDescriptor.TYPE_INT32,
    "int64": FieldDescriptor.TYPE_INT64,
    "uint32": FieldDescriptor.TYPE_UINT32,
    "uint64": FieldDescriptor.TYPE_UINT64,
    "sint32": FieldDescriptor.TYPE_SINT32,
    "sint64": FieldDescriptor.TYPE_SINT64,
    "fixed32": FieldDescriptor.TYPE_FIXED32,
    "fixed64": FieldDescriptor.TYPE_FIXED64,
    "sfixed32": FieldDescriptor.TYPE_SFIXED32,
    "sfixed64": FieldDescriptor.TYPE_SFIXED64,
    "float": FieldDescriptor.TYPE_FLOAT,
    "double": FieldDescriptor.TYPE_DOUBLE,
    "enum": FieldDescriptor.TYPE_ENUM,
    "message": FieldDescriptor.TYPE_MESSAGE,
    "map": FieldDescriptor.TYPE_MESSAGE,
}
_WKT_BY_PYTHON_TYPE = {dt.datetime: "google.protobuf.Timestamp", dt.timedelta: "google.protobuf.Duration"}
_MAX_DEPTH = 4


def bp_fields(cls: type[betterproto.Message]) -> Iterator[tuple[str, betterproto.FieldMetadata, Any]]:
    """(name, metadata, element type) of every field of a betterproto message class."""
    by_field = cls._betterproto.cls_by_field  # type: ignore[attr-defined]
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        meta = f.metadata.get("betterproto")
        if meta is not None:
            yield f.name, meta, by_field.get(f.name)


def _is_repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _compare_enum(ours: EnumDescriptor, theirs: type[enum.Enum], where: str) -> list[str]:
    problems = []
    for member in theirs:
        value = ours.values_by_name.get(member.name)
        if value is None:
            problems.append(f"{where}: enum value {member.name} missing from {ours.full_name}")
        elif value.number != member.value:
            problems.append(f"{where}: {member.name} = {value.number} here, {member.value} in Talos v1.6")
    return problems


def structural_problems(
    ours: Descriptor, theirs: type[betterproto.Message], seen: set[str] | None = None
) -> list[str]:
    seen = set() if seen is None else seen
    if ours.full_name in seen:
        return []
    seen.add(ours.full_name)
    problems: list[str] = []
    for name, meta, element in bp_fields(theirs):
        where = f"{ours.full_name}.{name}"
        field = ours.fields_by_number.get(meta.number)
        if field is None:
            problems.append(f"{where}: field number {meta.number} missing")
            continue
        if safe_snake_case(field.name) != name:
            problems.append(f"{where}: number {meta.number} is named {field.name!r} here")
        if field.type != _TYPES[meta.proto_type]:
            problems.append(f"{where}: type {field.type} here, {meta.proto_type} in Talos v1.6")
            continue
        if meta.proto_type == "map":
            entry = field.message_type
            key, value = entry.fields_by_name["key"], entry.fields_by_name["value"]
            if (key.type, value.type) != (_TYPES[meta.map_types[0]], _TYPES[meta.map_types[1]]):
                problems.append(f"{where}: map types differ from {meta.map_types}")
        elif meta.proto_type == "enum":
            problems += _compare_enum(field.enum_type, element, where)
        elif meta.proto_type == "message":
            problems += _compare_nested(field.message_type, element, where, seen)
    return problems


def _compare_nested(ours: Descriptor, element: Any, where: str, seen: set[str]) -> list[str]:
    if element in _WKT_BY_PYTHON_TYPE:
        expected = _WKT_BY_PYTHON_TYPE[element]
        return [] if ours.full_name == expected else [f"{where}: {ours.full_name} here, {expected} in v1.6"]
    if element.__module__.startswith("betterproto.lib"):
        expected = f"google.protobuf.{element.__name__}"
        return [] if ours.full_name == expected else [f"{where}: {ours.full_name} here, {expected} in v1.6"]
    return structural_problems(ours, element, seen)


def ours_only_fields(ours: Descriptor, theirs: type[betterproto.Message]) -> list[str]:
    known = {meta.number for _, meta, _ in bp_fields(theirs)}
    return [f.name for f in ours.fields if f.number not in known]


# --- populate + round trip ----------------------------------------------------------------------------


def _scalar(field: FieldDescriptor, salt: int, element: Any) -> Any:
    t = field.type
    if t == FieldDescriptor.TYPE_STRING:
        return f"{field.name}-{salt}"
    if t == FieldDescriptor.TYPE_BYTES:
        return f"{field.name}\x00\xff{salt}".encode("latin-1")
    if t == FieldDescriptor.TYPE_BOOL:
        return True
    if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return 1.5 + salt
    if t in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64):
        return -(2**40) - salt
    if t in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return 2**40 + field.number + salt
    if t in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32):
        return -7 - field.number - salt
    if t in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return 7 + field.number + salt
    if t == FieldDescriptor.TYPE_ENUM:  # the highest value both sides know
        return max(member.value for member in element)
    raise AssertionError(f"unhandled field type {t} of {field.full_name}")


def _fill_wkt(msg: Message, salt: int) -> bool:
    name = msg.DESCRIPTOR.full_name
    if name in ("google.protobuf.Timestamp", "google.protobuf.Duration"):
        msg.seconds, msg.nanos = 1_700_000_000 + salt, 123_456_000  # type: ignore[attr-defined]
    elif name == "google.protobuf.Any":
        msg.type_url, msg.value = f"type.googleapis.com/x.Y{salt}", b"\x08\x01"  # type: ignore[attr-defined]
    elif name == "google.protobuf.Empty":
        pass
    else:
        return False
    return True


def populate(msg: Message, theirs: Any, depth: int = 0) -> None:
    """Set every field betterproto knows (two elements for repeated fields) to a distinct value."""
    if _fill_wkt(msg, depth):
        return
    for _, meta, element in bp_fields(theirs):
        field = msg.DESCRIPTOR.fields_by_number[meta.number]
        target = getattr(msg, field.name)
        if _is_map(field):
            target.update({"k1": "v1", "k2": "v2"})
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth >= _MAX_DEPTH:
                continue
            subs = [target.add(), target.add()] if _is_repeated(field) else [target]
            for i, sub in enumerate(subs):
                populate(sub, element, depth + 1 + i)
                sub.SetInParent()
        elif _is_repeated(field):
            target.extend([_scalar(field, 0, element), _scalar(field, 1, element)])
        else:
            setattr(msg, field.name, _scalar(field, depth, element))


def _unknown(obj: Any, where: str) -> Iterator[str]:
    if isinstance(obj, betterproto.Message):
        if obj._unknown_fields:
            yield f"{where}: betterproto saw unknown fields {obj._unknown_fields!r}"
        for f in dataclasses.fields(obj):  # type: ignore[arg-type]
            if "betterproto" in f.metadata:
                yield from _unknown(getattr(obj, f.name), f"{where}.{f.name}")
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _unknown(item, f"{where}[{i}]")


def _same_value(ours: Any, theirs: Any, where: str) -> Iterator[str]:
    if isinstance(ours, Message):
        name = ours.DESCRIPTOR.full_name
        if name == "google.protobuf.Timestamp":
            mine: Any = ours.ToDatetime(tzinfo=dt.UTC)  # type: ignore[attr-defined]
        elif name == "google.protobuf.Duration":
            mine = ours.ToTimedelta()  # type: ignore[attr-defined]
        else:
            yield from values_problems(ours, theirs, where)
            return
        if mine != theirs:
            yield f"{where}: {mine!r} here, betterproto read {theirs!r}"
    elif isinstance(theirs, enum.Enum):
        if ours != theirs.value:
            yield f"{where}: enum {ours} here, betterproto read {theirs!r}"
    elif ours != theirs:
        yield f"{where}: {ours!r} here, betterproto read {theirs!r}"


def values_problems(ours: Message, theirs: Any, where: str) -> Iterator[str]:
    for field, value in ours.ListFields():
        other = getattr(theirs, safe_snake_case(field.name))
        if _is_map(field):
            if dict(value) != dict(other):
                yield f"{where}.{field.name}: map {dict(value)} here, betterproto read {other}"
        elif _is_repeated(field):
            if len(value) != len(other):
                yield f"{where}.{field.name}: {len(value)} elements here, betterproto read {len(other)}"
            for i, (a, b) in enumerate(zip(value, other, strict=False)):
                yield from _same_value(a, b, f"{where}.{field.name}[{i}]")
        else:
            yield from _same_value(value, other, f"{where}.{field.name}")


def roundtrip_problems(ours_cls: type[Message], theirs: type[betterproto.Message]) -> list[str]:
    original = ours_cls()
    populate(original, theirs)
    where = ours_cls.DESCRIPTOR.full_name
    parsed = theirs().parse(original.SerializeToString())
    problems = list(_unknown(parsed, where)) + list(values_problems(original, parsed, where))
    back = ours_cls.FromString(bytes(parsed))
    if back != original:
        problems.append(f"{where}: betterproto's re-serialization parses into a different message here")
    return problems
