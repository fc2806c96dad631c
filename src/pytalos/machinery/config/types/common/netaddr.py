"""IP prefixes, addresses, address:port pairs and hardware addresses as config field types.

Talos stores these as Go ``netip``/``net`` values (``meta.Prefix``, ``meta.Addr``, ``meta.AddrPort``,
``nethelpers.HardwareAddr``) that marshal to text, in the network, k8s and v1alpha1-replacement
documents alike. The text must read back exactly as written (Talos compares configs byte for byte)
and bad text must fail while decoding with an error that names the field, so each becomes a small
codec that parses with Go's rules and formats with Go's spelling (e.g. IPv4-mapped IPv6 addresses
as ``::ffff:1.2.3.4``). All groups share these codecs.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NULLS = ("", "~", "null", "Null", "NULL")


def _scalar_text(cls_name: str, node: Node, path: str) -> str | None:
    """The text of a scalar node (None for a plain null); an error for mappings and lists."""
    if not isinstance(node, Scalar):
        raise DecodeError(path, node.line, f"expected a string for {cls_name}")
    if node.plain and node.value in _NULLS and node.tag in ("!!null", "!!str"):
        return None
    return node.value


class _TextCodec(Codec):
    """A value written as one YAML string: subclasses provide ``parse`` (empty text → zero) and ``str``."""

    WHAT: ClassVar[str] = "a value"

    @classmethod
    def parse(cls, text: str) -> Self:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def decode(cls, node: Node, path: str) -> Self:
        text = _scalar_text(cls.WHAT, node, path)
        try:
            return cls.parse(text or "")
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    def encode(self) -> Node:
        return Scalar(str(self), "!!str", Style.ANY)


def parse_addr(text: str) -> IPAddress:
    """Parse an IP address like Go's ``netip.ParseAddr`` (ValueError with Go's wording)."""
    if not text:
        raise ValueError('ParseAddr(""): unable to parse IP')
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f'ParseAddr("{text}"): unable to parse IP') from None


def format_addr(addr: IPAddress) -> str:
    """``netip.Addr.String()``: IPv4-mapped IPv6 addresses keep their dotted tail."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        zone = f"%{addr.scope_id}" if addr.scope_id else ""
        return f"::ffff:{addr.ipv4_mapped}{zone}"
    return str(addr)


def parse_prefix(text: str) -> tuple[IPAddress, int]:
    """Parse ``addr/bits`` like Go's ``netip.ParsePrefix`` (host bits are kept, not masked)."""
    where = f'netip.ParsePrefix("{text}")'
    addr_text, sep, bits_text = text.rpartition("/")
    if not sep:
        raise ValueError(f"{where}: no '/'")
    if "%" in addr_text:
        raise ValueError(f"{where}: IPv6 zones cannot be present in a prefix")
    try:
        addr = parse_addr(addr_text)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    if not re.fullmatch(r"0|[1-9][0-9]{0,2}", bits_text):
        raise ValueError(f'{where}: bad bits after slash: "{bits_text}"')
    bits = int(bits_text)
    if bits > addr.max_prefixlen:
        raise ValueError(f"{where}: prefix length out of range")
    return addr, bits


@dataclass
class Prefix(_TextCodec):
    """An IP prefix such as ``192.168.1.100/24`` (Go ``netip.Prefix`` and its ``Prefix`` wrappers).

    The zero value (no address) is written as an empty string and counts as empty for omitempty.
    """

    WHAT: ClassVar[str] = "an IP prefix"

    addr: IPAddress | None = None
    bits: int = 0

    @classmethod
    def parse(cls, text: str) -> Prefix:
        """Parse ``addr/bits`` (empty text gives the zero prefix); ValueError when invalid."""
        if not text:
            return cls()
        addr, bits = parse_prefix(text)
        return cls(addr, bits)

    def is_zero(self) -> bool:
        return self.addr is None

    def is_valid(self) -> bool:
        return self.addr is not None

    def is_masked(self) -> bool:
        """Whether the host bits are all zero (Go ``p == p.Masked()``)."""
        return self.addr is not None and self.masked() == self

    def masked(self) -> Prefix:
        """The prefix with host bits cleared (``netip.Prefix.Masked``)."""
        if self.addr is None:
            return Prefix()
        net = ipaddress.ip_network(f"{self.addr}/{self.bits}", strict=False)
        return Prefix(net.network_address, self.bits)

    def contains(self, addr: IPAddress) -> bool:
        if self.addr is None or addr.version != self.addr.version:
            return False
        return addr in ipaddress.ip_network(f"{self.addr}/{self.bits}", strict=False)

    def overlaps(self, other: Prefix) -> bool:
        """Whether one prefix contains the other's address (same address family only)."""
        if self.addr is None or other.addr is None:
            return False
        return self.contains(other.addr) or other.contains(self.addr)

    def __str__(self) -> str:
        return "" if self.addr is None else f"{format_addr(self.addr)}/{self.bits}"


@dataclass
class Addr(_TextCodec):
    """An IP address (Go ``netip.Addr`` / ``meta.Addr``); the zero value is written as ``""``."""

    WHAT: ClassVar[str] = "an IP address"

    addr: IPAddress | None = None

    @classmethod
    def parse(cls, text: str) -> Addr:
        return cls(parse_addr(text)) if text else cls()

    def is_zero(self) -> bool:
        return self.addr is None

    def is_valid(self) -> bool:
        return self.addr is not None

    def is_unspecified(self) -> bool:
        return self.addr is not None and self.addr.is_unspecified

    def __str__(self) -> str:
        return "" if self.addr is None else format_addr(self.addr)


@dataclass
class AddrPort(_TextCodec):
    """``ip:port`` (``[v6]:port`` for IPv6), Go ``netip.AddrPort``; zero written as ``""``."""

    WHAT: ClassVar[str] = "an ip:port endpoint"

    addr: IPAddress | None = None
    port: int = 0

    @classmethod
    def parse(cls, text: str) -> AddrPort:
        if not text:
            return cls()
        where = f'netip.ParseAddrPort("{text}")'
        host, sep, port_text = text.rpartition(":")
        if not sep:
            raise ValueError(f"{where}: not an ip:port")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
            if ":" not in host:
                raise ValueError(
                    f"{where}: invalid ip:port, square brackets can only be used with IPv6 addresses"
                )
        elif ":" in host:
            raise ValueError(
                f"{where}: invalid ip:port, IPv6 addresses must be surrounded by square brackets"
            )
        if not port_text.isdigit() or int(port_text) > 65535:
            raise ValueError(f'{where}: invalid port "{port_text}" parsing "{text}"')
        try:
            addr = parse_addr(host)
        except ValueError as exc:
            raise ValueError(f"{where}: {exc}") from None
        return cls(addr, int(port_text))

    def is_zero(self) -> bool:
        return self.addr is None and self.port == 0

    def __str__(self) -> str:
        if self.addr is None:
            return "invalid AddrPort" if self.port else ""
        if self.addr.version == 6:
            return f"[{format_addr(self.addr)}]:{self.port}"
        return f"{format_addr(self.addr)}:{self.port}"


@dataclass
class HardwareAddr(_TextCodec):
    """A hardware (MAC) address or raw DUID bytes, written as ``2e:3c:4d:5e:6f:70``.

    Decoding accepts any even number of hex digits with optional ``:`` separators (Talos's
    ``nethelpers.HardwareAddr``), so DHCP DUIDs longer than a MAC address also fit.
    """

    WHAT: ClassVar[str] = "a hardware address"

    data: bytes = b""

    @classmethod
    def parse(cls, text: str) -> HardwareAddr:
        raw = text.replace(":", "")
        for ch in raw:
            if ch not in "0123456789abcdefABCDEF":
                raise ValueError(f"encoding/hex: invalid byte: U+{ord(ch):04X} {ch!r}")
        if len(raw) % 2:
            raise ValueError("encoding/hex: odd length hex string")
        return cls(bytes.fromhex(raw))

    def is_zero(self) -> bool:
        return not self.data

    def merge_from(self, other: Any) -> Any:
        # a []byte in Talos's merge is replaced as a whole when the right side is non-empty
        return self if other is None or not other.data else other

    def __str__(self) -> str:
        return ":".join(f"{b:02x}" for b in self.data)
