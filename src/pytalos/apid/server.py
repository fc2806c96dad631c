"""apid as a server: TLS 1.3 listener, client-certificate authentication, routing proxy, audit log.

:class:`Apid` serves :class:`~.proxy.Proxy` on ``host:port`` (50000) with the node's ``ApiCertificates``
server certificate, requiring client certificates from the accepted CAs; the authz listener runs in
``ENABLED`` mode without the rules table -- like Talos's apid it only decides the caller's roles (and
rejects certificates that do not chain, are expired or are not exactly ``clientAuth``); the rules are
enforced by machined behind it, on every node a request reaches.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from grpclib.server import Server

from pytalos.api import authz
from pytalos.api.server import listen_socket
from pytalos.api.tls import server_context
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .audit import AuditLog
from .backend import APID_PORT, Backends, split_target
from .methods import RawCodec
from .proxy import Proxy


@dataclass
class ApidConfig:
    #: the node's apid server certificate (``ApiCertificates.server``)
    server: CertificateAndKey
    #: the OS CA plus ``machine.acceptedCAs``: clients must chain to one; other nodes are verified with it
    cas: Sequence[bytes]
    #: machined's unix socket (``system/run/machined/machine.sock``)
    local_socket: Path
    #: the ``os:impersonator`` client certificate (``ApiCertificates.client``); ``None`` = no forwarding
    client: CertificateAndKey | None = None
    #: the names and addresses this node answers to (the local target check of workers)
    local_names: Callable[[], Iterable[str]] = lambda: ()
    #: what this node puts in ``proxyfrom`` when forwarding
    proxy_from: str = ""
    audit_log: Path | None = None
    host: str = "0.0.0.0"
    port: int = APID_PORT
    #: the port other nodes' apid listen on
    remote_port: int = APID_PORT
    extra_cas: list[bytes] = field(default_factory=list)


class Apid:
    """See the module docstring; ``port`` is the bound port once started (``port=0`` picks one)."""

    def __init__(self, config: ApidConfig) -> None:
        self.config = config
        cas = [*config.cas, *config.extra_cas]
        ca_bundle = b"".join(c if c.endswith(b"\n") else c + b"\n" for c in cas)
        self.backends = Backends(config.local_socket, ca_bundle, config.client, config.remote_port)
        self.audit = AuditLog(config.audit_log) if config.audit_log is not None else None
        self.proxy = Proxy(
            self.backends, proxy_from=config.proxy_from, is_local=self._is_local, audit=self.audit
        )
        self._server = Server([self.proxy], codec=RawCodec())
        authz.install(self._server, authz.Mode.ENABLED, rules=None, client_cas=cas)
        self._ssl = server_context(config.server, ca_bundle)
        self._sock: socket.socket | None = None

    def _is_local(self, target: str) -> bool:
        """``target`` names this apid: one of the node's names/addresses (or loopback), on our port."""
        host, port = split_target(target, self.config.remote_port)
        if self._sock is None or port != self.port:
            return False
        return host in {"localhost", "127.0.0.1", "::1", *self.config.local_names()}

    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("apid: not started")
        return int(self._sock.getsockname()[1])

    async def start(self) -> None:
        host, port = self.config.host, self.config.port
        sock = listen_socket(host, port, "apid")
        try:
            await self._server.start(sock=sock, ssl=self._ssl)
        except OSError as exc:
            sock.close()
            raise OSError(exc.errno, f"apid cannot listen on {host}:{port}: {exc.strerror}") from exc
        self._sock = sock

    async def close(self) -> None:
        if self._sock is None:
            return
        self._server.close()
        await self._server.wait_closed()
        self.backends.close()
        if self.audit is not None:
            self.audit.close()
        self._sock.close()
        self._sock = None

    async def __aenter__(self) -> Apid:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
