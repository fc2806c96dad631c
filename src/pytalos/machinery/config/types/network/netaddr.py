"""Network address codecs, re-exported from :mod:`..common.netaddr` for importers outside ``types/``.

The implementation lives in ``types/common/netaddr.py``; this module only keeps the historical import
path (``config/validation`` uses it) working until those imports move to the common module.
"""

from __future__ import annotations

from ..common.netaddr import (
    Addr,
    AddrPort,
    HardwareAddr,
    IPAddress,
    Prefix,
    format_addr,
    parse_addr,
    parse_prefix,
)

__all__ = [
    "Addr",
    "AddrPort",
    "HardwareAddr",
    "IPAddress",
    "Prefix",
    "format_addr",
    "parse_addr",
    "parse_prefix",
]
