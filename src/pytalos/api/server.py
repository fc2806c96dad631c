"""Serving Machine API services over gRPC with mutual TLS (TLS 1.3, ALPN h2), on grpclib.

Why grpclib and not grpcio: Talos's OS CA, and so every apid/trustd server and talosctl client
certificate, is Ed25519. grpcio 1.85.1 (BoringSSL) cannot do that handshake. Measured here with
Ed25519 certificates from ``pytalos.machinery.crypto.x509``: a grpcio server requiring client certs
fails with ``PEER_DID_NOT_RETURN_A_CERTIFICATE``, a grpcio client with ``NO_COMMON_SIGNATURE_ALGORITHMS``.
grpclib runs HTTP/2 over Python's ``ssl`` (OpenSSL 3), which handles Ed25519 in both roles, and is
what the betterproto Talos client uses as well.

``partial_service`` turns a generated grpclib ``*Base`` class plus an object implementing some of its
methods into a servable answering ``UNIMPLEMENTED`` for the rest (maintenance mode serves a handful of
MachineService methods). ``ApiServer`` listens on a pre-bound socket (port 0 picks a free port) and
``peer_organizations`` reads the caller's certificate Organizations, which Talos uses as roles.
"""

from __future__ import annotations

import inspect
import socket
import ssl
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Server, Stream

from pytalos.machinery.crypto.x509 import CertificateAndKey

from .tls import server_context

if TYPE_CHECKING:  # grpclib's protocol for objects with __mapping__ (a private module, types only)
    from grpclib._typing import IServable

StreamHandler = Callable[[Stream[Any, Any]], Awaitable[None]]


def _unimplemented(service: str, method: str) -> Callable[[Any, Stream[Any, Any]], Awaitable[None]]:
    async def handler(self: Any, stream: Stream[Any, Any]) -> None:
        raise GRPCError(Status.UNIMPLEMENTED, f"method {service}/{method} not implemented")

    return handler


def _delegate(impl: StreamHandler) -> Callable[[Any, Stream[Any, Any]], Awaitable[None]]:
    async def handler(self: Any, stream: Stream[Any, Any]) -> None:
        await impl(stream)

    return handler


def partial_service(base: type, impl: object) -> IServable:
    """An instance of grpclib's generated ``base`` whose RPC methods are ``impl``'s same-named coroutine
    methods (each taking the grpclib ``Stream``); methods ``impl`` lacks answer ``UNIMPLEMENTED``."""
    methods = sorted(getattr(base, "__abstractmethods__", ()))
    if not methods:
        raise TypeError(f"{base.__name__} is not a generated grpclib service base (no abstract RPC methods)")
    namespace: dict[str, Any] = {}
    unknown = [
        name
        for name, member in inspect.getmembers(type(impl), inspect.iscoroutinefunction)
        if not name.startswith("_") and name not in methods
    ]
    if unknown:
        raise TypeError(f"{type(impl).__name__} implements {unknown}, which {base.__name__} does not define")
    for name in methods:
        found = getattr(impl, name, None)
        namespace[name] = _delegate(found) if found is not None else _unimplemented(base.__name__, name)
    servable: IServable = type(f"{base.__name__}For{type(impl).__name__}", (base,), namespace)()
    return servable


def peer_organizations(stream: Stream[Any, Any]) -> list[str]:
    """Organization (O=) values of the client certificate on ``stream``'s connection (Talos roles)."""
    cert = stream.peer.cert()
    if not cert:
        return []
    return [value for rdn in cert.get("subject", ()) for key, value in rdn if key == "organizationName"]


def listen_socket(host: str, port: int, what: str) -> socket.socket:
    """A bound, listening, non-blocking TCP socket for a grpclib server (port 0 picks a free one)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # accepted connections inherit it: without it every small reply waits for the peer's
        # delayed ACK (about 40 ms per call, measured)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"{what} cannot listen on {host}:{port}: {exc.strerror}") from exc
    return sock


class ApiServer:
    """A grpclib server on ``host:port`` (0 = a free port) with TLS from ``ssl_context``.

    Use as an async context manager, or ``await start()`` / ``await close()``; ``port`` is the bound
    port once started."""

    def __init__(
        self,
        handlers: Sequence[IServable],
        ssl_context: ssl.SSLContext,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._server = Server(list(handlers))
        self._ssl = ssl_context
        self._address = (host, port)
        self._sock: socket.socket | None = None

    @property
    def port(self) -> int:
        if self._sock is None:
            raise RuntimeError("ApiServer.port: the server is not started")
        return int(self._sock.getsockname()[1])

    async def start(self) -> None:
        host, port = self._address
        sock = listen_socket(host, port, "API server")
        try:
            await self._server.start(sock=sock, ssl=self._ssl)
        except OSError as exc:
            sock.close()
            raise OSError(exc.errno, f"API server cannot listen on {host}:{port}: {exc.strerror}") from exc
        self._sock = sock

    async def close(self) -> None:
        if self._sock is None:
            return
        self._server.close()
        await self._server.wait_closed()
        self._sock.close()
        self._sock = None

    async def __aenter__(self) -> ApiServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def mtls_server(
    handlers: Sequence[IServable],
    identity: CertificateAndKey,
    client_ca_pem: bytes,
    host: str = "127.0.0.1",
    port: int = 0,
) -> ApiServer:
    """An ``ApiServer`` presenting ``identity`` and requiring client certificates from ``client_ca_pem``."""
    return ApiServer(handlers, server_context(identity, client_ca_pem), host, port)
