""":class:`~.access.NodeAccess` over the Machine API: grpclib stubs on one mTLS channel to an apid.

Every call goes to the apid at the other end of the channel with Talos's ``node`` metadata naming the
node it is about (``node=""``: no metadata, the apid's own node answers), plus any fixed metadata
(the server side adds ``talos-role`` with the caller's roles). Two ways to get one:

* :func:`talosconfig_access` (talosctl, ``cluster create``): the context's first endpoint (or the
  given ones), its CA and client certificate;
* :func:`apid_access` (machined's ``ClusterService.HealthCheck``): the node's own apid on
  ``127.0.0.1``, presenting the node's ``os:impersonator`` certificate; the server certificate is
  verified against the node's name, since apid's certificate carries no loopback address.

Each call's timeout is what the check attempt has left (:func:`.conditions.call_timeout`); failures
become :class:`~.access.AccessError` with grpc-go's text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from google.protobuf import empty_pb2
from grpclib.client import Channel
from grpclib.config import Configuration
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.client import APID_PORT, mtls_channel
from pytalos.api.errors import rpc_error
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.gen.v1alpha1 import state_grpc, state_pb2
from pytalos.api.tls import client_context
from pytalos.machinery.client.config import Config, ConfigError
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.yamlx import loads

from .access import AccessError, EtcdMember, MountStat, NodeVersion, ResourceData, ServiceStatus
from .conditions import call_timeout

T = TypeVar("T")

#: the longest one call may take when the attempt leaves more time
CALL_TIMEOUT = 10.0
_EMPTY = empty_pb2.Empty()


def access_error(err: BaseException, target: str) -> AccessError:
    """grpc-go's text for a failed call (``rpc error: code = … desc = …``)."""
    code, text = rpc_error(err, target)
    return AccessError(text, code)


def _reply_error(messages: Sequence[Any]) -> None:
    """apid reports a node's failure inside a reply as metadata-only messages."""
    for message in messages:
        meta = getattr(message, "metadata", None)
        if meta is not None and meta.error:
            raise AccessError(f"rpc error: code = Unknown desc = {meta.error}")


class GrpcNodeAccess:
    """See the module docstring. The channel is made by ``make_channel`` on first use -- inside the
    event loop that runs the checks (grpclib binds a channel to the loop it was created in) -- and
    closed by :meth:`close`."""

    def __init__(
        self, make_channel: Callable[[], Channel], target: str, metadata: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.make_channel = make_channel
        self.target = target
        self.metadata = list(metadata)
        self._channel: Channel | None = None

    def _open(self) -> Channel:
        if self._channel is None:
            self._channel = self.make_channel()
        return self._channel

    @property
    def machine(self) -> machine_grpc.MachineServiceStub:
        return machine_grpc.MachineServiceStub(self._open())

    @property
    def state(self) -> state_grpc.StateStub:
        return state_grpc.StateStub(self._open())

    def _md(self, node: str) -> list[tuple[str, str]]:
        return ([("node", node)] if node else []) + self.metadata

    async def _call(self, make: Callable[[list[tuple[str, str]], float], Awaitable[T]], node: str) -> T:
        timeout = call_timeout(CALL_TIMEOUT)
        try:
            return await make(self._md(node), timeout)
        except AccessError:
            raise
        except TimeoutError:
            raise AccessError(
                f"rpc error: code = DeadlineExceeded desc = context deadline exceeded (no answer within "
                f"{timeout:.1f}s)",
                "DeadlineExceeded",
            ) from None
        except (GRPCError, OSError, StreamTerminatedError) as err:
            raise access_error(err, self.target) from None

    async def version(self, node: str) -> NodeVersion:
        reply = await self._call(lambda md, t: self.machine.Version(_EMPTY, metadata=md, timeout=t), node)
        _reply_error(reply.messages)
        if not reply.messages:
            raise AccessError("Version: empty reply")
        m = reply.messages[0]
        return NodeVersion(m.metadata.hostname, m.version.tag, m.platform.mode)

    async def services(self, node: str) -> list[ServiceStatus]:
        reply = await self._call(lambda md, t: self.machine.ServiceList(_EMPTY, metadata=md, timeout=t), node)
        _reply_error(reply.messages)
        out = []
        for message in reply.messages:
            for s in message.services:
                last = s.events.events[-1] if s.events.events else None
                out.append(
                    ServiceStatus(
                        id=s.id,
                        state=s.state,
                        healthy=s.health.healthy,
                        health_unknown=s.health.unknown,
                        health_message=s.health.last_message,
                        last_event=last.msg if last is not None else "",
                        last_event_state=last.state if last is not None else "",
                    )
                )
        return out

    async def etcd_members(self, node: str) -> list[EtcdMember]:
        request = machine_pb2.EtcdMemberListRequest(query_local=False)
        reply = await self._call(
            lambda md, t: self.machine.EtcdMemberList(request, metadata=md, timeout=t), node
        )
        _reply_error(reply.messages)
        return [
            EtcdMember(m.id, m.hostname, tuple(m.peer_urls), tuple(m.client_urls), m.is_learner)
            for message in reply.messages
            for m in message.members
        ]

    async def memory_total(self, node: str) -> int:
        reply = await self._call(lambda md, t: self.machine.Memory(_EMPTY, metadata=md, timeout=t), node)
        _reply_error(reply.messages)
        if not reply.messages:
            raise AccessError("Memory: empty reply")
        return int(reply.messages[0].meminfo.memtotal) * 1024

    async def mounts(self, node: str) -> list[MountStat]:
        reply = await self._call(lambda md, t: self.machine.Mounts(_EMPTY, metadata=md, timeout=t), node)
        _reply_error(reply.messages)
        return [
            MountStat(s.filesystem, s.mounted_on, s.size, s.available)
            for message in reply.messages
            for s in message.stats
        ]

    async def disk_usage(self, node: str, path: str) -> int:
        request = machine_pb2.DiskUsageRequest(paths=[path], recursion_depth=1)
        replies = await self._call(
            lambda md, t: self.machine.DiskUsage(request, metadata=md, timeout=t), node
        )
        _reply_error(replies)
        for info in replies:
            if info.name == path and not info.error:
                return int(info.size)
        errors = [i.error for i in replies if i.error]
        raise AccessError(f"DiskUsage {path}: {errors[0] if errors else 'no entry for the path'}")

    async def get_resource(self, node: str, namespace: str, type: str, id: str) -> ResourceData | None:
        request = state_pb2.GetRequest(namespace=namespace, type=type, id=id)
        try:
            reply = await self._call(lambda md, t: self.state.Get(request, metadata=md, timeout=t), node)
        except AccessError as err:
            if err.code == "NotFound":
                return None
            raise
        return _resource(reply.resource)

    async def list_resources(self, node: str, namespace: str, type: str) -> list[ResourceData]:
        request = state_pb2.ListRequest(namespace=namespace, type=type)
        replies = await self._call(lambda md, t: self.state.List(request, metadata=md, timeout=t), node)
        return [_resource(r.resource) for r in replies if r.HasField("resource")]

    async def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None


def _resource(message: Any) -> ResourceData:
    text = message.spec.yaml_spec
    try:
        spec = loads(text) if text else None
    except ValueError:
        spec = text
    return ResourceData(message.metadata.id, spec, dict(message.metadata.labels))


def split_endpoint(endpoint: str, default_port: int = APID_PORT) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address → (host, port)."""
    if endpoint.startswith("["):
        host, _, rest = endpoint[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else default_port
    if endpoint.count(":") == 1:
        host, port = endpoint.split(":")
        if not port.isdigit():
            raise ValueError(f"endpoint {endpoint!r}: port {port!r} is not a number")
        return host, int(port)
    return endpoint, default_port


def talosconfig_access(
    config: Config, context: str | None = None, endpoints: Sequence[str] | None = None
) -> GrpcNodeAccess:
    """Access through the context's first endpoint (or ``endpoints[0]``) with the context's client
    certificate; ``ValueError`` naming the context when it lacks endpoints or credentials."""
    try:
        ctx = config.get_context(context)
    except ConfigError as err:
        raise ValueError(str(err)) from err
    name = context or config.context
    targets = list(endpoints or ()) or list(ctx.endpoints)
    if not targets:
        raise ValueError(f'talosconfig context "{name}" has no endpoints: give them with --endpoints')
    missing = [n for n in ("ca", "crt", "key") if not getattr(ctx, n)]
    if missing:
        raise ValueError(f'talosconfig context "{name}" has no {", ".join(missing)}: cannot authenticate')
    try:
        ca, crt, key = ctx.credentials_pem()
    except ConfigError as err:
        raise ValueError(f'talosconfig context "{name}": {err}') from err
    host, port = split_endpoint(targets[0])
    identity = CertificateAndKey(crt, key)
    return GrpcNodeAccess(lambda: mtls_channel(host, ca, identity, port).channel, f"{host}:{port}")


def apid_access(
    port: int,
    ca_pem: bytes,
    identity: CertificateAndKey,
    server_name: str,
    roles: Sequence[str] = (),
    host: str = "127.0.0.1",
) -> GrpcNodeAccess:
    """Access through the apid at ``host:port`` (the node's own), verifying its certificate for
    ``server_name`` and sending ``roles`` as ``talos-role`` metadata (only an ``os:impersonator``
    ``identity`` makes apid honour them)."""
    tls = client_context(ca_pem, identity)

    def make() -> Channel:
        return Channel(host, port, ssl=tls, config=Configuration(ssl_target_name_override=server_name))

    return GrpcNodeAccess(make, f"{host}:{port}", [("talos-role", r) for r in roles])
