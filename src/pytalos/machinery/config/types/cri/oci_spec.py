"""Type check of base runtime spec overrides against the OCI runtime-spec structure.

Talos validates ``CRIBaseRuntimeSpecConfig.overrides`` by JSON-decoding them into ``specs.Spec``:
unknown keys pass, but a value of the wrong JSON type fails with Go's ``json: cannot unmarshal …``
message. This module holds the commonly overridden part of that schema and reproduces the message.
"""

from __future__ import annotations

from typing import Any

# a schema is: a scalar type name ("string", "bool", "uint32", …), ("list", elem), ("map", elem),
# or ("struct", go_name, {json_key: schema}); anything not listed is accepted as-is.
Schema = str | tuple[Any, ...]

_STRS: Schema = ("list", "string")
_ID_MAPPING: Schema = (
    "list",
    ("struct", "LinuxIDMapping", {"containerID": "uint32", "hostID": "uint32", "size": "uint32"}),
)

SPEC: Schema = (
    "struct",
    "Spec",
    {
        "ociVersion": "string",
        "process": (
            "struct",
            "Process",
            {
                "terminal": "bool",
                "user": (
                    "struct",
                    "User",
                    {
                        "uid": "uint32",
                        "gid": "uint32",
                        "umask": "uint32",
                        "additionalGids": ("list", "uint32"),
                        "username": "string",
                    },
                ),
                "args": _STRS,
                "commandLine": "string",
                "env": _STRS,
                "cwd": "string",
                "capabilities": (
                    "struct",
                    "LinuxCapabilities",
                    {k: _STRS for k in ("bounding", "effective", "inheritable", "permitted", "ambient")},
                ),
                "rlimits": (
                    "list",
                    ("struct", "POSIXRlimit", {"type": "string", "hard": "uint64", "soft": "uint64"}),
                ),
                "noNewPrivileges": "bool",
                "apparmorProfile": "string",
                "oomScoreAdj": "int",
                "selinuxLabel": "string",
            },
        ),
        "root": ("struct", "Root", {"path": "string", "readonly": "bool"}),
        "hostname": "string",
        "domainname": "string",
        "mounts": (
            "list",
            (
                "struct",
                "Mount",
                {
                    "destination": "string",
                    "type": "string",
                    "source": "string",
                    "options": _STRS,
                    "uidMappings": _ID_MAPPING,
                    "gidMappings": _ID_MAPPING,
                },
            ),
        ),
        "annotations": ("map", "string"),
        "linux": (
            "struct",
            "Linux",
            {
                "uidMappings": _ID_MAPPING,
                "gidMappings": _ID_MAPPING,
                "sysctl": ("map", "string"),
                "cgroupsPath": "string",
                "namespaces": ("list", ("struct", "LinuxNamespace", {"type": "string", "path": "string"})),
                "rootfsPropagation": "string",
                "maskedPaths": _STRS,
                "readonlyPaths": _STRS,
                "mountLabel": "string",
            },
        ),
    },
)

_INT_RANGES = {
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
    "int": (-(2**63), 2**63 - 1),
}


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _go_type(schema: Schema) -> str:
    if isinstance(schema, str):
        return schema
    if schema[0] == "list":
        return "[]" + _go_type(schema[1])
    if schema[0] == "map":
        return "map[string]" + _go_type(schema[1])
    return "specs." + str(schema[1])


class _Mismatch(Exception):
    def __init__(self, value: str, struct: str, field: str, go_type: str) -> None:
        super().__init__(
            f"json: cannot unmarshal {value} into Go struct field {struct}.{field} of type {go_type}"
        )


def _check(value: Any, schema: Schema, struct: str, field: str) -> None:
    if value is None:
        return  # JSON null leaves the Go value untouched
    kind = _json_kind(value)
    if isinstance(schema, str):
        if (schema == "string" and kind != "string") or (schema == "bool" and kind != "bool"):
            raise _Mismatch(kind, struct, field, schema)
        if schema in _INT_RANGES:
            low, high = _INT_RANGES[schema]
            if kind != "number":
                raise _Mismatch(kind, struct, field, schema)
            if (isinstance(value, float) and not value.is_integer()) or not low <= value <= high:
                raise _Mismatch(f"number {value}", struct, field, schema)
        return
    if schema[0] == "list":
        if kind != "array":
            raise _Mismatch(kind, struct, field, _go_type(schema))
        for item in value:
            _check(item, schema[1], struct, field)
        return
    if schema[0] == "map":
        if kind != "object":
            raise _Mismatch(kind, struct, field, _go_type(schema))
        for key, item in value.items():
            _check(item, schema[1], struct, f"{field}.{key}" if field else str(key))
        return
    if kind != "object":
        raise _Mismatch(kind, struct, field, _go_type(schema))
    name, fields = schema[1], schema[2]
    for key, item in value.items():
        sub = fields.get(key)
        if sub is not None:
            _check(item, sub, name, f"{field}.{key}" if field else str(key))


def check_runtime_spec(overrides: Any) -> str | None:
    """Return Go's JSON type error for ``overrides`` decoded into ``specs.Spec``, or None."""
    try:
        _check(overrides, SPEC, "Spec", "")
    except _Mismatch as exc:
        return str(exc)
    return None
