"""Field types shared by several config documents (Talos ``pkg/machinery/config/types/meta``).

Documents of different groups reuse a handful of Go types whose YAML form or merge behaviour is
custom, and users see those details in generated configs and patches:

* :class:`Args` — ``extraArgs`` flags, each a string or a list of strings, merged key by key;
* :class:`Unstructured` — literal Kubernetes configuration blobs (sorted keys, deep-merged maps);
* :class:`URL`, :class:`Prefix`, :class:`Addr`, :class:`AddrPort` — values written as text and
  replaced as a whole on merge;
* :class:`CertificateAndKey` plus :func:`assert_valid_pem` — PEM pairs and Talos's PEM checks.
"""

from __future__ import annotations

import base64
import binascii
import copy
import ipaddress
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from ...crypto.x509 import X509Error, parse_certificate, parse_private_key
from ...yamlx import Mapping, Node, Scalar, Sequence, Style, from_node, go_key_sort, to_node
from ..errors import DecodeError
from ..schema import Codec, Struct, yfield

ArgValue = str | list[str]
"""One flag's value: a single string, or a list of strings (each repeated as its own flag)."""

_ARG_VALUE_ERROR = "arg value must be a string or list of strings"


def _decode_arg_value(node: Node, path: str) -> ArgValue:
    if isinstance(node, Scalar):
        # go-yaml stores any scalar's text in a string; a null leaves the string empty
        if node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return ""
        return node.value
    if isinstance(node, Sequence):
        items: list[str] = []
        for item in node.items:
            if not isinstance(item, Scalar):
                raise DecodeError(path, node.line, _ARG_VALUE_ERROR)
            items.append(item.value)
        return items
    raise DecodeError(path, node.line, _ARG_VALUE_ERROR)


def _encode_arg_value(value: ArgValue) -> Node:
    if isinstance(value, list):
        return Sequence([Scalar(item, "!!str", Style.ANY) for item in value], flow=not value)
    if value:
        return Scalar(value, "!!str", Style.ANY)
    return Scalar("null", "!!null", Style.PLAIN)


@dataclass
class Args(Codec):
    """``meta.Args``: flag name → a string or a list of strings.

    Encoded as a mapping with go-yaml's sorted key order; an empty string value is written as
    ``null`` and an empty list as ``[]`` (as Talos does). Merging copies the right side's keys over
    the left side's (no list appending).
    """

    values: dict[str, ArgValue] = field(default_factory=dict)

    @classmethod
    def decode(cls, node: Node, path: str) -> Args:
        if isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null", "Null", "NULL"):
            return cls()
        if not isinstance(node, Mapping):
            raise DecodeError(path, node.line, "expected a mapping of argument names to values")
        values: dict[str, ArgValue] = {}
        for key, value in node.items:
            values[key.value] = _decode_arg_value(value, f"{path}.{key.value}" if path else key.value)
        return cls(values)

    def encode(self) -> Node:
        if not self.values:
            return Mapping(flow=True)
        return Mapping(
            [
                (Scalar(k, "!!str", Style.ANY), _encode_arg_value(self.values[k]))
                for k in go_key_sort(list(self.values))
            ]
        )

    def is_zero(self) -> bool:
        return not self.values

    def merge_from(self, other: Any) -> Any:
        """Talos ``Args.Merge``: keys of ``other`` overwrite ours; an empty ``other`` is a no-op."""
        if other is None:
            return self
        if not isinstance(other, Args):
            raise TypeError(f"cannot merge Args with {type(other).__name__}")
        if not other.values:
            return self
        merged = dict(self.values)
        merged.update({k: list(v) if isinstance(v, list) else v for k, v in other.values.items()})
        return Args(merged)

    def to_map(self) -> dict[str, list[str]]:
        """Every flag as a list of values (a single string becomes a one-element list; "" none)."""
        result: dict[str, list[str]] = {}
        for key, value in self.values.items():
            if isinstance(value, list):
                result[key] = list(value)
            else:
                result[key] = [value] if value else []
        return result

    def __len__(self) -> int:
        return len(self.values)

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __getitem__(self, key: str) -> ArgValue:
        return self.values[key]

    @classmethod
    def of(cls, values: dict[str, ArgValue] | None = None, **kwargs: ArgValue) -> Args:
        """Build from a dict (and/or keyword flags): ``Args.of({"feature-gates": "X=true"})``."""
        merged: dict[str, ArgValue] = dict(values or {})
        merged.update(kwargs)
        return cls(merged)


# ---------------------------------------------------------------- Unstructured


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null", "Null", "NULL")


def _merge_plain(left: Any, right: Any) -> Any:
    """Talos ``merge.Merge`` on ``map[string]any`` values: maps key by key, lists appended."""
    if right is None:
        return left
    if left is None:
        return right
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        for key, value in right.items():
            merged[key] = _merge_plain(merged[key], value) if merged.get(key) is not None else value
        return merged
    if isinstance(left, list) and isinstance(right, list):
        return left + right
    if type(left) is not type(right):
        raise TypeError(f"merge type mismatch left {type(left).__name__} right {type(right).__name__}")
    if not isinstance(right, bool) and not right:
        return left
    return right


@dataclass
class Unstructured(Codec):
    """``meta.Unstructured``: a literal YAML mapping (Kubernetes configuration) kept as plain data.

    Written with sorted keys like a Go ``map[string]any``; an empty one is ``{}``. Merging is
    key by key (lists appended); fields tagged ``merge:"replace"`` use :func:`replace_if_set`.
    """

    object: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def decode(cls, node: Node, path: str) -> Unstructured:
        if _is_null(node):
            return cls()
        if not isinstance(node, Mapping):
            raise DecodeError(path, node.line, "expected a mapping")
        value = from_node(node)
        assert isinstance(value, dict)
        return cls({str(k): v for k, v in value.items()})

    def encode(self) -> Node:
        if not self.object:
            return Mapping(flow=True)
        return to_node(self.object, sort_keys=True)

    def is_zero(self) -> bool:
        return not self.object

    def merge_from(self, other: Any) -> Any:
        if other is None or not isinstance(other, Unstructured) or not other.object:
            return self
        merged = _merge_plain(copy.deepcopy(self.object), copy.deepcopy(other.object))
        return Unstructured(merged)


def replace_if_set(left: Any, right: Any) -> Any:
    """Merge function for ``merge:"replace"`` codec fields: the right value wins unless it is zero."""
    if right is None or (isinstance(right, Codec) and right.is_zero()):
        return left
    return right


# ---------------------------------------------------------------- text-valued types


def _scalar_text(node: Node, path: str, what: str) -> str:
    if not isinstance(node, Scalar):
        raise DecodeError(path, node.line, f"expected {what}")
    return "" if _is_null(node) else node.value


@dataclass
class URL(Codec):
    """``meta.URL``: a URL written as its text; empty means unset (written as ``""``)."""

    text: str = ""

    @classmethod
    def decode(cls, node: Node, path: str) -> URL:
        text = _scalar_text(node, path, "a URL string")
        if text:
            err = url_parse_error(text)
            if err:
                raise DecodeError(path, node.line, err)
        return cls(text)

    def encode(self) -> Node:
        return Scalar(self.text, "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return not self.text

    @property
    def scheme(self) -> str:
        return urllib.parse.urlsplit(self.text).scheme.lower() if self.text else ""

    def __str__(self) -> str:
        return self.text


def url_parse_error(text: str) -> str:
    """The error Go's ``url.Parse`` gives for ``text``, or "" when it parses."""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return f'parse "{text}": net/url: invalid control character in URL'
    scheme = ""
    for i, ch in enumerate(text):
        if ch.isascii() and ch.isalpha():
            continue
        if ch == ":":
            if i == 0:
                return f'parse "{text}": missing protocol scheme'
            scheme = text[:i]
        elif ch.isascii() and (ch.isdigit() or ch in "+-.") and i > 0:
            continue
        break
    if not scheme and not text.startswith("/") and ":" in text.split("/", 1)[0]:
        return f'parse "{text}": first path segment in URL cannot contain colon'
    try:
        urllib.parse.urlsplit(text)
    except ValueError as exc:
        return f'parse "{text}": {exc}'
    return ""


@dataclass
class Prefix(Codec):
    """``meta.Prefix`` (``netip.Prefix``): ``10.244.0.0/16``; host bits are kept as written."""

    value: ipaddress.IPv4Interface | ipaddress.IPv6Interface | None = None

    @classmethod
    def decode(cls, node: Node, path: str) -> Prefix:
        text = _scalar_text(node, path, "an IP prefix")
        if not text:
            return cls()
        try:
            return cls(parse_prefix(text))
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    @classmethod
    def of(cls, text: str) -> Prefix:
        return cls(parse_prefix(text))

    def encode(self) -> Node:
        return Scalar(str(self), "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self.value is None

    def is_masked(self) -> bool:
        return self.value is not None and self.value.ip == self.value.network.network_address

    def __str__(self) -> str:
        if self.value is None:
            return "invalid Prefix"
        return f"{self.value.ip}/{self.value.network.prefixlen}"


def parse_prefix(text: str) -> ipaddress.IPv4Interface | ipaddress.IPv6Interface:
    """``netip.ParsePrefix`` (ValueError with Go's wording when invalid)."""
    addr, sep, bits = text.partition("/")
    if not sep:
        raise ValueError(f"netip.ParsePrefix(\"{text}\"): no '/'")
    if "%" in addr:
        raise ValueError(f'netip.ParsePrefix("{text}"): IPv6 zones cannot be present in a prefix')
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        raise ValueError(f'netip.ParsePrefix("{text}"): ParseAddr("{addr}"): unable to parse IP') from None
    if not bits.isdigit() or (len(bits) > 1 and bits[0] == "0") or int(bits) > ip.max_prefixlen:
        raise ValueError(f'netip.ParsePrefix("{text}"): bad bits after slash: "{bits}"')
    return ipaddress.ip_interface(f"{ip}/{int(bits)}")


@dataclass
class Addr(Codec):
    """``meta.Addr`` (``netip.Addr``): an IP address written as text."""

    value: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None

    @classmethod
    def decode(cls, node: Node, path: str) -> Addr:
        text = _scalar_text(node, path, "an IP address")
        if not text:
            return cls()
        try:
            return cls(ipaddress.ip_address(text))
        except ValueError:
            raise DecodeError(path, node.line, f'ParseAddr("{text}"): unable to parse IP') from None

    def encode(self) -> Node:
        return Scalar("" if self.value is None else str(self.value), "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self.value is None


@dataclass
class AddrPort(Codec):
    """``meta.AddrPort`` (``netip.AddrPort``): ``1.2.3.4:80`` or ``[::1]:80``."""

    text: str = ""

    @classmethod
    def decode(cls, node: Node, path: str) -> AddrPort:
        text = _scalar_text(node, path, "an address:port")
        if text:
            host, sep, port = text.rpartition(":")
            bracketed = host.startswith("[") and host.endswith("]")
            try:
                ip = ipaddress.ip_address(host[1:-1] if bracketed else host)
                valid = sep and port.isdigit() and int(port) < 65536 and bracketed == (ip.version == 6)
            except ValueError:
                valid = False
            if not valid:
                raise DecodeError(path, node.line, f'invalid AddrPort "{text}"')
        return cls(text)

    def encode(self) -> Node:
        return Scalar(self.text, "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return not self.text


# ---------------------------------------------------------------- PEM certificate and key

PEM_TYPE_CERTIFICATE = "CERTIFICATE"
_PEM_BLOCK = re.compile(r"-----BEGIN ([^\r\n-]*)-----\r?\n(.*?)-----END \1-----", re.S)


def _pem_blocks(text: str) -> list[str]:
    """Types of the well-formed PEM blocks in ``text`` (Go's ``pem.Decode`` loop skips broken ones)."""
    types: list[str] = []
    for match in _PEM_BLOCK.finditer(text):
        body = "".join(ln for ln in match.group(2).splitlines() if ":" not in ln)
        try:
            base64.b64decode("".join(body.split()), validate=True)
        except (binascii.Error, ValueError):
            continue
        types.append(match.group(1))
    return types


def assert_valid_pem(data: str, *expected_types: str) -> str:
    """``meta.AssertValidPEM``: "" when ``data`` holds PEM blocks of the expected types, else the error."""
    blocks = _pem_blocks(data)
    for block_type in blocks:
        if expected_types and block_type not in expected_types:
            quoted = " ".join(f'"{t}"' for t in expected_types)
            return f'unexpected PEM block type "{block_type}", expected one of [{quoted}]'
    if not blocks:
        return "no PEM blocks found"
    return ""


@dataclass
class CertificateAndKey(Struct):
    """``meta.CertificateAndKey``: a PEM certificate and its PEM private key."""

    cert: str = yfield("cert", omitempty=True, doc="PEM-encoded certificate.")
    key: str = yfield("key", omitempty=True, doc="PEM-encoded private key.")

    def validate(self, try_loading: bool) -> str:
        """Talos's ``CertificateAndKey.Validate``: "" when valid, else the error text."""
        if not self.cert:
            return "certificate is required"
        if not self.key:
            return "key is required"
        err = assert_valid_pem(self.cert, PEM_TYPE_CERTIFICATE)
        if err:
            return f"certificate: {err}"
        err = assert_valid_pem(self.key)
        if err:
            return f"key: {err}"
        if try_loading:
            try:
                parse_certificate(self.cert.encode())
            except X509Error as exc:
                return f"certificate is invalid: {exc}"
            try:
                parse_private_key(self.key.encode())
            except X509Error as exc:
                return f"key is invalid: {exc}"
        return ""
