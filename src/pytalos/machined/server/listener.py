"""Build the API servers for the node's current mode.

Maintenance: TLS 1.3 on port 50000 with a self-signed certificate, client certificates not requested,
every caller ``os:reader`` (authz ``READ_ONLY``; the handlers decide). Normal: the handlers
(``MachineService``, ``TimeService``, ``ClusterService`` -- :mod:`.health` -- plus, when the node
has resources, the read-only COSI ``State`` for ``talosctl get`` and ``InspectService``) are served
on machined's unix socket behind apid
(:func:`machine_socket_server`, authz ``METADATA_ONLY``), or -- for tests and tools -- directly over
mTLS (:func:`machine_server`, authz ``ENABLED``: client certificates required and verified against
the OS CA, roles from them). Both enforce Talos's rules table before a handler runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pytalos.api import authz
from pytalos.api.gen.inspect import inspect_grpc
from pytalos.api.gen.machine import machine_grpc
from pytalos.api.gen.v1alpha1 import state_grpc
from pytalos.api.server import ApiServer, partial_service
from pytalos.api.tls import server_context
from pytalos.machined.runtime import ResourceRegistry
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .cosi import ResourceReader, ResourceStateApi
from .health import cluster_handler
from .inspect import DependencySource, InspectApi
from .machine import MachineApi
from .maintenance import MaintenanceService
from .timeapi import time_handler
from .unix import UnixApiServer

if TYPE_CHECKING:
    from grpclib._typing import IServable

#: Talos's apid port (``constants.ApidPort``).
API_PORT = 50000


def maintenance_server(
    service: MaintenanceService, identity: CertificateAndKey, host: str = "0.0.0.0", port: int = API_PORT
) -> ApiServer:
    handler = partial_service(machine_grpc.MachineServiceBase, service)
    server = ApiServer([handler], server_context(identity, None, require_client_cert=False), host, port)
    authz.install(server._server, authz.Mode.READ_ONLY, rules=None)
    return server


class NodeResourcesView(Protocol):
    """machined's resources as the API reads them (``Machined.resources``): the state, and the
    controller runtime while it runs."""

    @property
    def state(self) -> ResourceReader: ...

    @property
    def runtime(self) -> DependencySource | None: ...


def resource_services(
    resources: NodeResourcesView, hostname: Callable[[], str], registry: ResourceRegistry | None = None
) -> list[IServable]:
    """COSI ``State`` (Get/List) and ``InspectService`` over ``resources``."""
    if registry is None:
        from pytalos.machined.resources import default_registry

        registry = default_registry()
    cosi = ResourceStateApi(lambda: resources.state, registry, time.time())
    inspect = InspectApi(lambda: resources.runtime, hostname)
    return [
        partial_service(state_grpc.StateBase, cosi),
        partial_service(inspect_grpc.InspectServiceBase, inspect),
    ]


def machine_handlers(api: MachineApi, resources: NodeResourcesView | None = None) -> list[IServable]:
    """The normal-mode services; ``resources`` defaults to ``api.node.resources`` when the node has it."""
    handlers = [
        partial_service(machine_grpc.MachineServiceBase, api),
        time_handler(api),
        cluster_handler(api),
    ]
    if resources is None:
        resources = getattr(api.node, "resources", None)
    if resources is not None:
        handlers += resource_services(resources, api.node.hostname)
    return handlers


def machine_server(
    api: MachineApi,
    identity: CertificateAndKey,
    client_ca_pem: bytes,
    host: str = "0.0.0.0",
    port: int = API_PORT,
    *,
    resources: NodeResourcesView | None = None,
) -> ApiServer:
    """The normal-mode services over mTLS on ``host:port`` (no apid in front)."""
    server = ApiServer(machine_handlers(api, resources), server_context(identity, client_ca_pem), host, port)
    authz.install(server._server, authz.Mode.ENABLED, client_cas=[client_ca_pem])
    return server


def machine_socket_server(
    api: MachineApi, path: Path, *, resources: NodeResourcesView | None = None
) -> UnixApiServer:
    """The normal-mode services on machined's unix socket, for apid (roles from ``talos-role``)."""
    return UnixApiServer(machine_handlers(api, resources), path)
