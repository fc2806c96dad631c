"""Opening mTLS gRPC channels to a Machine API endpoint (apid on TCP 50000, trustd on 50001).

A channel verifies the server's certificate against the cluster CA (chain and IP/DNS SAN), presents
the client certificate from the talosconfig, and speaks HTTP/2 over TLS 1.3 through grpclib (see
``pytalos.api.server`` for why not grpcio). Stubs from ``pytalos.api.gen.*_grpc`` run on it, e.g.
``MachineServiceStub(channel).Version(Empty())``. ``node_metadata`` builds the gRPC metadata Talos
uses to address a node behind the endpoint.
"""

from __future__ import annotations

from types import TracebackType

from grpclib.client import Channel

from pytalos.machinery.crypto.x509 import CertificateAndKey

from .tls import client_context

APID_PORT = 50000
TRUSTD_PORT = 50001


class ApiChannel:
    """A grpclib ``Channel`` to ``host:port`` with mutual TLS; closes on leaving ``async with``."""

    def __init__(
        self, host: str, port: int, server_ca_pem: bytes, identity: CertificateAndKey | None
    ) -> None:
        self.host, self.port = host, port
        self.channel = Channel(host, port, ssl=client_context(server_ca_pem, identity))

    def close(self) -> None:
        self.channel.close()

    async def __aenter__(self) -> Channel:
        return self.channel

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def mtls_channel(
    host: str, server_ca_pem: bytes, identity: CertificateAndKey | None, port: int = APID_PORT
) -> ApiChannel:
    """A channel to ``host:port`` trusting ``server_ca_pem`` and presenting ``identity`` (if any)."""
    return ApiChannel(host, port, server_ca_pem, identity)


def node_metadata(node: str | None = None) -> dict[str, str]:
    """gRPC metadata addressing one node through the endpoint's apid (Talos's ``client.WithNode``)."""
    return {"node": node} if node else {}
