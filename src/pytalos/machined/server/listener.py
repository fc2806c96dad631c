"""Build the API server for the node's current mode (both on port 50000 until apid exists).

Maintenance: TLS 1.3 with a self-signed certificate, client certificates not requested. Normal: mTLS
with the node certificate, client certificates required and verified against the OS CA; besides
``MachineService`` the normal server carries the read-only COSI ``State`` (``talosctl get``) and
``InspectService`` (``talosctl inspect dependencies``) over the node's resources, when it has them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pytalos.api.gen.inspect import inspect_grpc
from pytalos.api.gen.machine import machine_grpc
from pytalos.api.gen.v1alpha1 import state_grpc
from pytalos.api.server import ApiServer, partial_service
from pytalos.api.tls import server_context
from pytalos.machined.runtime import ResourceRegistry
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .cosi import ResourceReader, ResourceStateApi
from .inspect import DependencySource, InspectApi
from .machine import MachineApi
from .maintenance import MaintenanceService

if TYPE_CHECKING:
    from grpclib._typing import IServable

#: Talos's apid port (``constants.ApidPort``).
API_PORT = 50000


def maintenance_server(
    service: MaintenanceService, identity: CertificateAndKey, host: str = "0.0.0.0", port: int = API_PORT
) -> ApiServer:
    handler = partial_service(machine_grpc.MachineServiceBase, service)
    return ApiServer([handler], server_context(identity, None, require_client_cert=False), host, port)


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


def machine_server(
    api: MachineApi,
    identity: CertificateAndKey,
    client_ca_pem: bytes,
    host: str = "0.0.0.0",
    port: int = API_PORT,
    *,
    resources: NodeResourcesView | None = None,
) -> ApiServer:
    """The normal-mode server; ``resources`` defaults to ``api.node.resources`` when the node has it."""
    handlers = [partial_service(machine_grpc.MachineServiceBase, api)]
    if resources is None:
        resources = getattr(api.node, "resources", None)
    if resources is not None:
        handlers += resource_services(resources, api.node.hostname)
    return ApiServer(handlers, server_context(identity, client_ca_pem), host, port)
