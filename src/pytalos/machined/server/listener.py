"""Build the API server for the node's current mode (both on port 50000 until apid exists).

Maintenance: TLS 1.3 with a self-signed certificate, client certificates not requested. Normal: mTLS
with the node certificate, client certificates required and verified against the OS CA.
"""

from __future__ import annotations

from pytalos.api.gen.machine import machine_grpc
from pytalos.api.server import ApiServer, partial_service
from pytalos.api.tls import server_context
from pytalos.machinery.crypto.x509 import CertificateAndKey

from .machine import MachineApi
from .maintenance import MaintenanceService

#: Talos's apid port (``constants.ApidPort``).
API_PORT = 50000


def maintenance_server(
    service: MaintenanceService, identity: CertificateAndKey, host: str = "0.0.0.0", port: int = API_PORT
) -> ApiServer:
    handler = partial_service(machine_grpc.MachineServiceBase, service)
    return ApiServer([handler], server_context(identity, None, require_client_cert=False), host, port)


def machine_server(
    api: MachineApi,
    identity: CertificateAndKey,
    client_ca_pem: bytes,
    host: str = "0.0.0.0",
    port: int = API_PORT,
) -> ApiServer:
    handler = partial_service(machine_grpc.MachineServiceBase, api)
    return ApiServer([handler], server_context(identity, client_ca_pem), host, port)
