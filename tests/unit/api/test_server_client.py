"""mTLS Machine API over grpclib with Ed25519 certificates: our client and Talos's betterproto client both
call a real MachineService.Version on 127.0.0.1; foreign or missing client certificates are refused."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import Any

import betterproto.lib.google.protobuf as bp_wkt
import pytest
from google.protobuf import empty_pb2
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.server import Stream
from talos_linux_api.v1_6_0 import machine as bp_machine

from pytalos.api.client import mtls_channel, node_metadata
from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.server import mtls_server, partial_service, peer_organizations
from pytalos.api.tls import TLSConfigError, client_context, server_context
from pytalos.machinery.crypto import x509

CALL_TIMEOUT = 10.0


@dataclass(frozen=True)
class PKI:
    ca: x509.CertificateAndKey
    server: x509.CertificateAndKey
    admin: x509.CertificateAndKey
    foreign_ca: x509.CertificateAndKey
    foreign_admin: x509.CertificateAndKey


@pytest.fixture(scope="module")
def pki() -> PKI:
    ca = x509.new_self_signed_ca(organizations=["talos"])  # Ed25519, like Talos's OS CA
    foreign = x509.new_self_signed_ca(organizations=["talos"])
    return PKI(
        ca=ca,
        server=x509.issue_certificate(ca, ip_addresses=["127.0.0.1"], ext_key_usage=[x509.SERVER_AUTH]),
        admin=x509.issue_certificate(ca, organizations=["os:admin"], ext_key_usage=[x509.CLIENT_AUTH]),
        foreign_ca=foreign,
        foreign_admin=x509.issue_certificate(
            foreign, organizations=["os:admin"], ext_key_usage=[x509.CLIENT_AUTH]
        ),
    )


@dataclass
class VersionService:
    """MachineService.Version answering in Talos's reply shape; records each caller's roles."""

    hostname: str = "node-1"
    callers: list[list[str]] = field(default_factory=list)

    async def Version(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        self.callers.append(peer_organizations(stream))
        await stream.send_message(
            machine_pb2.VersionResponse(
                messages=[
                    machine_pb2.Version(
                        metadata=common_pb2.Metadata(hostname=self.hostname),
                        version=machine_pb2.VersionInfo(
                            tag="v1.11.0", sha="0123abcd", os="linux", arch="amd64"
                        ),
                    )
                ]
            )
        )


def _serve(pki: PKI, service: VersionService) -> Any:
    return mtls_server([partial_service(machine_grpc.MachineServiceBase, service)], pki.server, pki.ca.crt)


def test_our_client_calls_version_over_mtls(pki: PKI) -> None:
    service = VersionService()

    async def scenario() -> machine_pb2.VersionResponse:
        async with (
            _serve(pki, service) as server,
            mtls_channel("127.0.0.1", pki.ca.crt, pki.admin, server.port) as ch,
        ):
            stub = machine_grpc.MachineServiceStub(ch)
            return await stub.Version(empty_pb2.Empty(), timeout=CALL_TIMEOUT, metadata=node_metadata())

    reply = asyncio.run(scenario())
    assert len(reply.messages) == 1
    message = reply.messages[0]
    assert message.metadata.hostname == "node-1"
    assert (message.version.tag, message.version.sha, message.version.os, message.version.arch) == (
        "v1.11.0",
        "0123abcd",
        "linux",
        "amd64",
    )
    assert service.callers == [["os:admin"]]


def test_talos_betterproto_client_calls_version_over_mtls(pki: PKI) -> None:
    service = VersionService(hostname="cp-1")

    async def scenario() -> bp_machine.VersionResponse:
        async with (
            _serve(pki, service) as server,
            mtls_channel("127.0.0.1", pki.ca.crt, pki.admin, server.port) as ch,
        ):
            return await bp_machine.MachineServiceStub(ch).version(bp_wkt.Empty(), timeout=CALL_TIMEOUT)

    reply = asyncio.run(scenario())
    assert [m.metadata.hostname for m in reply.messages] == ["cp-1"]
    version = reply.messages[0].version
    assert (version.tag, version.sha, version.os, version.arch) == ("v1.11.0", "0123abcd", "linux", "amd64")


def test_unimplemented_methods_answer_unimplemented(pki: PKI) -> None:
    async def scenario() -> None:
        async with (
            _serve(pki, VersionService()) as server,
            mtls_channel("127.0.0.1", pki.ca.crt, pki.admin, server.port) as ch,
        ):
            await machine_grpc.MachineServiceStub(ch).Hostname(empty_pb2.Empty(), timeout=CALL_TIMEOUT)

    with pytest.raises(GRPCError) as err:
        asyncio.run(scenario())
    assert err.value.status is Status.UNIMPLEMENTED
    assert "MachineServiceBase/Hostname" in str(err.value.message)


def _call_version(pki: PKI, service: VersionService, channel_for: Any) -> None:
    async def scenario() -> None:
        async with _serve(pki, service) as server:
            channel: Channel = channel_for(server.port)
            try:
                await machine_grpc.MachineServiceStub(channel).Version(
                    empty_pb2.Empty(), timeout=CALL_TIMEOUT
                )
            finally:
                channel.close()

    asyncio.run(scenario())


def test_client_certificate_from_another_ca_is_refused(pki: PKI) -> None:
    service = VersionService()
    with pytest.raises((ssl.SSLError, ConnectionError, StreamTerminatedError)):
        _call_version(
            pki,
            service,
            lambda port: Channel("127.0.0.1", port, ssl=client_context(pki.ca.crt, pki.foreign_admin)),
        )
    assert service.callers == []


def test_missing_client_certificate_is_refused(pki: PKI) -> None:
    service = VersionService()
    with pytest.raises((ssl.SSLError, ConnectionError, StreamTerminatedError)):
        _call_version(
            pki, service, lambda port: Channel("127.0.0.1", port, ssl=client_context(pki.ca.crt, None))
        )
    assert service.callers == []


def test_server_from_another_ca_is_refused_by_the_client(pki: PKI) -> None:
    service = VersionService()
    with pytest.raises(ssl.SSLCertVerificationError):
        _call_version(
            pki,
            service,
            lambda port: Channel("127.0.0.1", port, ssl=client_context(pki.foreign_ca.crt, pki.admin)),
        )
    assert service.callers == []


def test_contexts_are_tls13_with_alpn_h2(pki: PKI) -> None:
    for ctx in (server_context(pki.server, pki.ca.crt), client_context(pki.ca.crt, pki.admin)):
        assert ctx.minimum_version is ssl.TLSVersion.TLSv1_3
    assert server_context(pki.server, pki.ca.crt).verify_mode is ssl.CERT_REQUIRED


def test_bad_material_is_reported_with_its_role(pki: PKI) -> None:
    with pytest.raises(TLSConfigError, match="server certificate"):
        server_context(x509.CertificateAndKey(pki.server.crt, b"not a key"), pki.ca.crt)
    with pytest.raises(TLSConfigError, match="client CA"):
        server_context(pki.server, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")


def test_partial_service_rejects_methods_the_service_lacks() -> None:
    class Typo:
        async def Versoin(self, stream: Stream[Any, Any]) -> None:
            raise AssertionError("never called")

    with pytest.raises(TypeError, match="Versoin"):
        partial_service(machine_grpc.MachineServiceBase, Typo())
