"""``MachineService.GenerateClientConfiguration``: a talosconfig signed by this node's OS CA.

``talosctl config new --roles os:reader --crt-ttl 24h`` asks a control plane for a client certificate
with those roles (its subject's ``O=`` values) issued from the OS CA of the node's active machine
config, and gets back the CA, the certificate, its key and a talosconfig holding them (Talos's
``GenerateClientConfiguration``): one context named after the cluster -- ``reader@<cluster>`` when a
single role was asked for -- with no endpoints. Only ``os:admin`` may call it; a worker answers
``FailedPrecondition`` (its config carries no CA key), a TTL that is not positive ``InvalidArgument``,
all with Talos's texts. Unknown role strings are kept, as Talos's ``role.Parse`` does.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machinery import role
from pytalos.machinery.client.config import Config
from pytalos.machinery.config.container import Container
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.secrets.ca import new_admin_certificate

from .observe import check_roles, meta

_ADMIN = frozenset({"os:admin"})

WORKER_ERROR = "client configuration (talosconfig) can't be generated on worker nodes"
TTL_ERROR = "crt_ttl should be positive"


class _Loaded(Protocol):
    @property
    def container(self) -> Container: ...


class _ConfigSource(Protocol):
    def active_config(self) -> _Loaded | None: ...


def context_name(cluster: str, roles: role.RoleSet) -> str:
    """Talos's "nice context name": ``<role without os:>@<cluster>`` for a single role."""
    names = roles.strings()
    if len(names) == 1:
        return names[0].removeprefix(role.PREFIX) + "@" + cluster
    return cluster


def generate(
    config: Container, roles: list[str], ttl: timedelta
) -> tuple[CertificateAndKey, CertificateAndKey, bytes]:
    """(OS CA, client certificate, talosconfig bytes) for ``config``'s node; errors are gRPC's."""
    view = ConfigView(config)
    if view.machine_type == "worker":
        raise GRPCError(Status.FAILED_PRECONDITION, WORKER_ERROR)
    if ttl <= timedelta(0):
        raise GRPCError(Status.INVALID_ARGUMENT, TTL_ERROR)
    os_ca = view.os_ca
    if os_ca is None or not os_ca.key:
        raise GRPCError(Status.FAILED_PRECONDITION, f"{WORKER_ERROR}: machine.ca has no key")
    parsed = role.parse(roles)
    client = new_admin_certificate(os_ca, parsed.strings(), ttl)
    talosconfig = Config.new(context_name(view.cluster_name, parsed), [], os_ca.crt, client)
    return os_ca, client, talosconfig.to_yaml().encode()


class ClientConfigApi:
    """``GenerateClientConfiguration`` (mixin of ``MachineApi``: reads ``applier.runtime``)."""

    async def GenerateClientConfiguration(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        request = await stream.recv_message()
        assert request is not None
        source: _ConfigSource | None = getattr(getattr(self, "applier", None), "runtime", None)
        active = source.active_config() if source is not None else None
        if active is None:
            raise GRPCError(Status.FAILED_PRECONDITION, "the node has no active machine config")
        ttl = request.crt_ttl.ToTimedelta() if request.HasField("crt_ttl") else timedelta(0)
        ca, client, talosconfig = await asyncio.to_thread(
            generate, active.container, list(request.roles), ttl
        )
        reply = machine_pb2.GenerateClientConfiguration(
            metadata=meta(self), ca=ca.crt, crt=client.crt, key=client.key, talosconfig=talosconfig
        )
        await stream.send_message(machine_pb2.GenerateClientConfigurationResponse(messages=[reply]))
