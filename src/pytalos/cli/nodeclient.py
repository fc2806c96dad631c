"""Talking to nodes from talosctl: global flags, talosconfig lookup, mTLS channels, per-node fan-out.

The flags are Talos's (``cmd/talosctl/cmd/talos/root.go``, ``global/insecure.go``): ``--talosconfig``,
``--context``, ``-n/--nodes`` and ``-e/--endpoints`` on every node command (also accepted before the
verb), ``-i/--insecure`` with ``--cert-fingerprint`` where Talos has them. :class:`ClientFactory`
follows Talos's ``ClientFactory``: nodes from the flags, else from the talosconfig context (secure
mode only); no nodes is an error. Secure mode presents the context's client certificate and verifies
the node against the context CA (Ed25519 works: grpclib runs on Python's OpenSSL); ``--insecure``
(maintenance) presents none and verifies nothing but the optional SPKI fingerprints.

Routing (Talos's model): secure-mode requests go to an endpoint from ``-e``/the talosconfig (the
first one; ``host`` or ``host:port``, port 50000 by default), whose apid forwards them: one request
per node with ``node`` metadata (:func:`fan_out`, Talos HEAD's client-side multiplexing), or one
request with every node in ``nodes`` metadata that apid fans out and merges
(:func:`fan_out_via_endpoint`, the classic one-to-many). Two paths dial the node itself:
``--insecure`` (maintenance mode has no apid routing), and -- a pytalos extension -- a node given
with an explicit port (``127.0.0.1:50123``), which names one API server rather than a node behind
apid (apid always forwards to port 50000). Failures become :class:`NodeError` entries
(``<node>: rpc error: code = … desc = …``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Generic, TypeVar

import click
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import serialization
from grpclib.client import Channel
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.protocol import H2Protocol

from pytalos.api.errors import go_code_of, rpc_error
from pytalos.api.tls import ALPN_H2, TLSConfigError, client_context
from pytalos.machinery.client.config import Config, ConfigError, Context, open_config
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .flags import GlobalArgs, global_options, insecure_options, split_values

T = TypeVar("T")

DEFAULT_PORT = 50000
#: Every call carries a deadline: a node that never answers is reported, not waited for forever.
CALL_TIMEOUT = 30.0

NO_NODES = (
    "nodes are not set for the command: please use `--nodes` flag or configuration file to set the "
    "nodes to run the command against"
)


class CLIError(click.ClickException):
    """A failed node command: ``error: <message>`` on stderr, exit code 1 (like the other verbs)."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


# --- errors ----------------------------------------------------------------------------------------


def rpc_error_text(err: BaseException, target: str = "") -> str:
    """How grpc-go prints a failed call: ``rpc error: code = Unavailable desc = …``."""
    if isinstance(err, FingerprintMismatch):
        return f'rpc error: code = Unavailable desc = connection error: desc = "transport: {err}"'
    return rpc_error(err, target)[1]


@dataclass(frozen=True)
class NodeError:
    """One node's failure; ``str()`` is Talos's ``NodeError`` text ``<node>: <error>``."""

    node: str
    message: str

    def __str__(self) -> str:
        return f"{self.node}: {self.message}"


# --- targets and TLS -------------------------------------------------------------------------------


def split_host_port(target: str, default_port: int = DEFAULT_PORT) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address → (host, port)."""
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if target.count(":") == 1:
        host, port = target.split(":")
        try:
            return host, int(port)
        except ValueError:
            raise CLIError(f"invalid node address {target!r}: port {port!r} is not a number") from None
    return target, default_port


class FingerprintMismatch(ConnectionError):
    """The maintenance server's certificate is not one of the ``--cert-fingerprint`` values."""


def spki_fingerprint(der: bytes) -> str:
    """Talos's ``x509.SPKIFingerprint``: base64 of the SHA-256 of the SubjectPublicKeyInfo."""
    spki = (
        cx509.load_der_x509_certificate(der)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def parse_fingerprint(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise CLIError(f"error parsing certificate fingerprint {text!r}: {exc}") from exc
    if len(raw) != 32:
        raise CLIError(f"error parsing certificate fingerprint {text!r}: wrong length {len(raw)}, want 32")
    return raw


class PinnedChannel(Channel):
    """A grpclib channel that checks the server certificate's SPKI fingerprint right after the handshake
    (``--insecure --cert-fingerprint``), before any request is sent on the connection."""

    def __init__(self, host: str, port: int, ctx: ssl.SSLContext, fingerprints: Sequence[bytes]) -> None:
        super().__init__(host, port, ssl=ctx)
        self._pins = {base64.b64encode(f).decode() for f in fingerprints}

    async def _create_connection(self) -> H2Protocol:
        protocol = await super()._create_connection()
        transport = protocol.connection._transport  # grpclib keeps the asyncio transport here
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        got = spki_fingerprint(der) if der else ""
        if got not in self._pins:
            transport.close()
            raise FingerprintMismatch(f"fingerprint mismatch: server certificate SPKI {got or '(none)'}")
        return protocol


def insecure_context() -> ssl.SSLContext:
    """Maintenance mode: TLS 1.3 + h2, no client certificate, the server certificate not verified."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.set_alpn_protocols([ALPN_H2])
    return ctx


@dataclass
class ClientFactory:
    """Channels to nodes for one command (Talos's ``global.ClientFactory``, routed as the module says)."""

    nodes: list[str]
    insecure: bool = False
    fingerprints: list[bytes] = field(default_factory=list)
    context: Context | None = None
    endpoints: list[str] = field(default_factory=list)
    _ssl: ssl.SSLContext | None = None
    _channels: dict[str, Channel] = field(default_factory=dict)

    @classmethod
    def build(
        cls, args: GlobalArgs, insecure: bool = False, fingerprints: Sequence[str] = ()
    ) -> ClientFactory:
        pins = [parse_fingerprint(f) for f in split_values(fingerprints)]
        if insecure:
            if not args.nodes:
                raise CLIError(NO_NODES)
            return cls(list(args.nodes), True, pins, _ssl=insecure_context())
        context = load_context(args)
        nodes = list(args.nodes) or list(context.nodes)
        if not nodes:
            raise CLIError(NO_NODES)
        endpoints = list(args.endpoints) or list(context.endpoints)
        if not endpoints:
            raise CLIError("failed to determine endpoints")
        return cls(nodes, False, [], context, endpoints, _ssl=secure_context(context))

    def direct(self, node: str) -> bool:
        """Whether requests for ``node`` are dialled to it rather than through the endpoint."""
        return self.insecure or not self.endpoints or _has_port(node)

    def endpoint(self) -> str:
        return self.endpoints[0]

    def channel(self, node: str) -> Channel:
        """The (cached) channel that reaches ``node``: the endpoint's, or the node's own (see
        :meth:`direct`)."""
        target = node if self.direct(node) else self.endpoint()
        found = self._channels.get(target)
        if found is None:
            host, port = split_host_port(target)
            assert self._ssl is not None
            if self.insecure and self.fingerprints:
                found = PinnedChannel(host, port, self._ssl, self.fingerprints)
            else:
                found = Channel(host, port, ssl=self._ssl)
            self._channels[target] = found
        return found

    def dialled(self, node: str) -> str:
        """``host:port`` a request for ``node`` connects to (for error messages)."""
        host, port = split_host_port(node if self.direct(node) else self.endpoint())
        return f"{host}:{port}"

    def metadata(self, node: str) -> dict[str, str]:
        """``client.WithNode``; nothing when the node is dialled directly."""
        return {} if self.direct(node) else {"node": node}

    def nodes_metadata(self) -> list[tuple[str, str]]:
        """``client.WithNodes``: every node in ``nodes`` metadata, for apid's one-to-many proxying."""
        return [("nodes", n) for n in self.nodes]

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()
        self._channels.clear()

    def require_single_node(self, command: str) -> str:
        """``BuildClientEnforceSingleNode``'s check."""
        if len(self.nodes) != 1:
            raise CLIError(f'command "{command}" requires exactly one node (got {len(self.nodes)})')
        return self.nodes[0]


def _has_port(target: str) -> bool:
    if target.startswith("["):
        return "]:" in target
    return target.count(":") == 1


def load_context(args: GlobalArgs) -> Context:
    """The talosconfig context to use: ``--context`` wins over the file's current context."""
    try:
        config: Config = open_config(args.talosconfig)
    except (ConfigError, OSError) as exc:
        raise CLIError(f'failed to open config file "{args.talosconfig or ""}": {exc}') from exc
    try:
        return config.get_context(args.context)
    except ConfigError as exc:
        raise CLIError(str(exc)) from exc


def secure_context(context: Context) -> ssl.SSLContext:
    """mTLS from the context's base64 PEM ``ca``/``crt``/``key`` (errors name what is missing)."""
    if not (context.ca and context.crt and context.key):
        missing = [name for name in ("ca", "crt", "key") if not getattr(context, name)]
        raise CLIError(f"talosconfig context has no {', '.join(missing)}: cannot authenticate to the node")
    try:
        ca, crt, key = context.credentials_pem()
        return client_context(ca, CertificateAndKey(crt, key))
    except (ConfigError, TLSConfigError) as exc:
        raise CLIError(f"talosconfig credentials: {exc}") from exc


# --- fan-out ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeResult(Generic[T]):
    """Talos's ``multiplex.Response``: the node and either its payload or its error."""

    node: str
    payload: T | None = None
    error: NodeError | None = None


Call = Callable[[Channel, dict[str, str]], Awaitable[T]]


async def call_node(factory: ClientFactory, node: str, call: Call[T]) -> NodeResult[T]:
    """One request to one node; any failure becomes the node's :class:`NodeError`."""
    try:
        payload = await call(factory.channel(node), factory.metadata(node))
    except (GRPCError, OSError, ssl.SSLError, TimeoutError, StreamTerminatedError) as err:
        return NodeResult(node, error=NodeError(node, rpc_error_text(err, factory.dialled(node))))
    return NodeResult(node, payload)


async def fan_out(factory: ClientFactory, call: Call[T]) -> list[NodeResult[T]]:
    """``multiplex.UnaryViaFactory``: the same call to every node concurrently, results in node order."""
    return list(await asyncio.gather(*(call_node(factory, n, call) for n in factory.nodes)))


ManyCall = Callable[[Channel, list[tuple[str, str]]], Awaitable[Sequence[Any]]]


async def fan_out_via_endpoint(factory: ClientFactory, call: ManyCall) -> list[NodeResult[Any]]:
    """One request through the endpoint with ``nodes`` metadata; apid answers with one message per
    node (``metadata.hostname``), errors as metadata-only messages (Talos's ``FilterMessages``).
    ``call`` returns the reply's ``messages``."""
    try:
        messages = await call(factory.channel(factory.endpoint()), factory.nodes_metadata())
    except (GRPCError, OSError, ssl.SSLError, TimeoutError, StreamTerminatedError) as err:
        text = rpc_error_text(err, factory.dialled(factory.endpoint()))
        return [NodeResult(n, error=NodeError(n, text)) for n in factory.nodes]
    out: list[NodeResult[Any]] = []
    for message in messages:
        meta = message.metadata
        if meta.error:
            code = go_code_of(meta.status.code)
            text = f"rpc error: code = {code} desc = {meta.error}"
            out.append(NodeResult(meta.hostname, error=NodeError(meta.hostname, text)))
        else:
            out.append(NodeResult(meta.hostname, message))
    return out


def run(factory: ClientFactory, coro: Awaitable[T]) -> T:
    """Run a command's coroutine, closing the factory's channels inside the loop."""

    async def main() -> T:
        try:
            return await coro
        finally:
            factory.close()

    return asyncio.run(main())


def raise_errors(errors: Sequence[object]) -> None:
    """Talos's ``errors.Join``: every failure on its own line, exit code 1."""
    if errors:
        raise CLIError("\n".join(str(e) for e in errors))


__all__ = [
    "CALL_TIMEOUT",
    "CLIError",
    "ClientFactory",
    "GlobalArgs",
    "NodeError",
    "NodeResult",
    "call_node",
    "fan_out",
    "fan_out_via_endpoint",
    "global_options",
    "insecure_options",
    "raise_errors",
    "rpc_error_text",
    "run",
]
