"""The base of every resource spec: an immutable dataclass that knows its Talos YAML form.

Specs are frozen, so the resource state can share one spec object between the stored resource and
every copy it hands out (``deep_copy`` returns ``self``); a controller changes a resource by putting
a new spec in place (``res.spec = replace(res.spec, ...)``), never by mutating the old one.

Python field names are snake_case; :func:`yaml` field metadata records the exact YAML key Talos prints
(``hardwareAddr``, ``pciID``, ``certSANIPs`` ...) and whether Go omits it when empty, so
:meth:`Spec.to_yaml` yields what ``talosctl get -o yaml`` shows under ``spec:``.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import ipaddress
from collections.abc import Mapping
from typing import Any, Self

_KEY = "yaml"
_OMITEMPTY = "omitempty"


def yaml(name: str, *, omitempty: bool = False) -> dict[str, Any]:
    """Field metadata: print the field as ``name`` (omitted when empty if ``omitempty``).

    Use as ``hardware_addr: str = field(default="", metadata=yaml("hardwareAddr"))``.
    """
    return {_KEY: name, _OMITEMPTY: omitempty}


@dataclasses.dataclass(frozen=True)
class Spec:
    """Base class of resource specs (see the module docstring)."""

    def deep_copy(self) -> Self:
        return self

    def to_yaml(self) -> Any:
        """The spec as plain data with Talos's keys, in Talos's field order."""
        return encode(self)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == 0 or value is False or value == () or value == {}


def encode(value: Any) -> Any:
    """Plain YAML-friendly data: dataclasses by their keys, IPs as text, bytes as base64."""
    if isinstance(value, Spec) and type(value).to_yaml is not Spec.to_yaml:
        return value.to_yaml()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.metadata.get(_OMITEMPTY) and _empty(item):
                continue
            out[f.metadata.get(_KEY, _camel(f.name))] = encode(item)
        return out
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, ipaddress.IPv4Interface | ipaddress.IPv6Interface):
        return value.with_prefixlen
    if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return value.with_prefixlen
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    return value
