"""Go's ``net.SplitHostPort`` with its exact error texts.

The event sink endpoint is validated by Talos with ``net.SplitHostPort``; users see those messages
(``address 10.0.0.1: missing port in address``), so the Python check reproduces them exactly.
"""

from __future__ import annotations


class AddrError(ValueError):
    """``*net.AddrError``: ``address <addr>: <reason>``."""

    def __init__(self, reason: str, addr: str) -> None:
        self.reason = reason
        self.addr = addr
        super().__init__(f"address {addr}: {reason}" if addr else reason)


def split_host_port(hostport: str) -> tuple[str, str]:
    """Split ``host:port`` / ``[v6]:port`` like Go does, raising :class:`AddrError` when invalid."""
    missing_port = "missing port in address"
    too_many = "too many colons in address"
    i = hostport.rfind(":")
    if i < 0:
        raise AddrError(missing_port, hostport)
    j = k = 0
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise AddrError("missing ']' in address", hostport)
        if end + 1 == len(hostport):
            raise AddrError(missing_port, hostport)
        if end + 1 != i:
            if hostport[end + 1] == ":":
                raise AddrError(too_many, hostport)
            raise AddrError(missing_port, hostport)
        host = hostport[1:end]
        j, k = 1, end + 1
    else:
        host = hostport[:i]
        if ":" in host:
            raise AddrError(too_many, hostport)
    if "[" in hostport[j:]:
        raise AddrError("unexpected '[' in address", hostport)
    if "]" in hostport[k:]:
        raise AddrError("unexpected ']' in address", hostport)
    return host, hostport[i + 1 :]
