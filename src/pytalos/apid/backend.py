"""The channels apid forwards on: machined's unix socket, and other nodes' apid over mTLS.

Remote requests are authenticated with this node's ``os:impersonator`` client certificate and
verified against the OS CA (chain and IP/DNS SAN of the target). Outgoing metadata is the incoming
one without ``node``/``nodes`` (and without any ``proxyfrom``/``talos-role`` the caller sent), plus
``talos-role`` = the caller's roles and, for remote nodes, ``proxyfrom`` = this node (Talos's
``backend/apid.go``). Channels are kept per target and closed with apid; connecting is bounded by
:data:`CONNECT_TIMEOUT` so an unreachable node fails that node's part of the call, not the caller.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.authz import PROXY_FROM_METADATA_KEY, ROLE_METADATA_KEY
from pytalos.api.tls import client_context
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .director import NODE_KEY, NODES_KEY
from .methods import RawCodec

APID_PORT = 50000
CONNECT_TIMEOUT = 5.0
_DROPPED = frozenset({NODE_KEY, NODES_KEY, PROXY_FROM_METADATA_KEY, ROLE_METADATA_KEY})


def split_target(target: str, default_port: int) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address → (host, port)."""
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if target.count(":") == 1:
        host, port = target.split(":")
        if port.isdigit():
            return host, int(port)
    return target, default_port


def forward_metadata(incoming: Any, roles: list[str], proxy_from: str | None) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [(k, v) for k, v in incoming.items() if k not in _DROPPED]
    out += [(ROLE_METADATA_KEY, r) for r in roles]
    if proxy_from is not None:
        out.append((PROXY_FROM_METADATA_KEY, proxy_from))
    return out


class Backends:
    """Channels by target; ``client`` is ``None`` on nodes that may not forward (workers)."""

    def __init__(
        self,
        local_socket: Path,
        server_ca_pem: bytes,
        client: CertificateAndKey | None,
        remote_port: int = APID_PORT,
    ) -> None:
        self.local_socket = local_socket
        self.remote_port = remote_port
        self._ssl: ssl.SSLContext | None = client_context(server_ca_pem, client) if client else None
        self._local: Channel | None = None
        self._remote: dict[str, Channel] = {}

    @property
    def can_forward(self) -> bool:
        return self._ssl is not None

    def local(self) -> Channel:
        if self._local is None:
            self._local = Channel(path=str(self.local_socket), codec=RawCodec())
        return self._local

    async def remote(self, target: str) -> Channel:
        """The connected channel to ``target``'s apid (``Unavailable`` when it cannot be reached)."""
        if self._ssl is None:
            raise GRPCError(Status.PERMISSION_DENIED, "no request forwarding")
        channel = self._remote.get(target)
        if channel is None:
            host, port = split_target(target, self.remote_port)
            channel = Channel(host, port, ssl=self._ssl, codec=RawCodec())
            self._remote[target] = channel
        protocol = channel._protocol
        if protocol is not None and not getattr(protocol.handler, "connection_lost", True):
            return channel  # connected: skip the (task-creating) bounded connect
        try:
            await asyncio.wait_for(channel.__connect__(), CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ssl.SSLError) as err:
            self._remote.pop(target, None)
            channel.close()
            reason = "timed out" if isinstance(err, TimeoutError) else (err.strerror or str(err))
            raise GRPCError(
                Status.UNAVAILABLE, f"connection error: dial {target}: {reason}".rstrip()
            ) from None
        return channel

    def close(self) -> None:
        if self._local is not None:
            self._local.close()
            self._local = None
        for channel in self._remote.values():
            channel.close()
        self._remote.clear()
