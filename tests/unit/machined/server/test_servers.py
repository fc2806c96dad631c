"""The node's API servers over real grpclib TLS on 127.0.0.1: maintenance and normal mode."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import Any

import pytest
from google.protobuf import empty_pb2
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.machined.server.apply import Applier, MaintenanceApplier
from pytalos.machined.server.certs import node_server_cert, self_signed_server_cert
from pytalos.machined.server.listener import machine_server, maintenance_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.maintenance import NOT_IN_MAINTENANCE, MaintenanceService
from pytalos.machined.state.config_store import LoadedConfig
from pytalos.machined.system.events import ServiceEvent, ServiceState
from pytalos.machined.system.health import HealthStatus
from pytalos.machined.system.service_runner import ServiceInfo
from pytalos.machinery.crypto import x509
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime

TIMEOUT = 10.0


def insecure() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"])
    return ctx


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 20))


def test_maintenance_serves_apply_and_refuses_the_rest_like_talos() -> None:
    accepted: list[LoadedConfig] = []

    async def scenario() -> dict[str, Any]:
        service = MaintenanceService(MaintenanceApplier(accepted.append))
        identity = self_signed_server_cert("node-1", ["127.0.0.1"])
        async with maintenance_server(service, identity, "127.0.0.1", 0) as server:
            channel = Channel("127.0.0.1", server.port, ssl=insecure())
            stub = machine_grpc.MachineServiceStub(channel)
            out: dict[str, Any] = {}
            for name, call in (
                ("Version", lambda: stub.Version(empty_pb2.Empty(), timeout=TIMEOUT)),
                ("Hostname", lambda: stub.Hostname(empty_pb2.Empty(), timeout=TIMEOUT)),
                ("ServiceList", lambda: stub.ServiceList(empty_pb2.Empty(), timeout=TIMEOUT)),
            ):
                try:
                    await call()
                except GRPCError as err:
                    out[name] = (err.status, err.message)
            request = machine_pb2.ApplyConfigurationRequest(
                data=_configs.raw("worker"), mode=machine_pb2.ApplyConfigurationRequest.NO_REBOOT
            )
            try:
                await stub.ApplyConfiguration(request, timeout=TIMEOUT)
            except GRPCError as err:
                out["no-reboot"] = (err.status, err.message)
            request.mode = machine_pb2.ApplyConfigurationRequest.AUTO
            out["apply"] = await stub.ApplyConfiguration(request, timeout=TIMEOUT)
            channel.close()
            return out

    out = run(scenario())
    assert out["Version"] == (Status.UNIMPLEMENTED, NOT_IN_MAINTENANCE)
    assert out["Hostname"][0] is Status.UNIMPLEMENTED and out["ServiceList"][0] is Status.UNIMPLEMENTED
    assert out["no-reboot"][0] is Status.UNIMPLEMENTED
    assert len(out["apply"].messages) == 1
    assert [c.raw for c in accepted] == [_configs.raw("worker")]


@dataclass
class FakeNode:
    reboots: list[str] = field(default_factory=list)

    def hostname(self) -> str:
        return "cp-1"

    def service_list(self) -> list[ServiceInfo]:
        event = ServiceEvent(
            "Health check successful", ServiceState.RUNNING, HealthStatus(True, "", 1.5), 2.5
        )
        return [ServiceInfo("etcd", "Running", [event], HealthStatus(True, "", 1.5).as_api())]

    def request_reboot(self, actor_id: str) -> None:
        self.reboots.append(actor_id)


@pytest.fixture(scope="module")
def pki() -> tuple[x509.CertificateAndKey, x509.CertificateAndKey, x509.CertificateAndKey]:
    ca = new_talos_ca()
    return ca, new_admin_certificate(ca), new_admin_certificate(ca, roles=["os:reader"])


def test_normal_mode_version_services_apply_reboot_over_mtls(pki: Any) -> None:
    ca, admin, reader = pki
    node = FakeNode()
    runtime = FakeRuntime(_configs.config())

    async def scenario() -> dict[str, Any]:
        api = MachineApi(node, Applier(runtime))
        server = machine_server(api, node_server_cert(ca, "cp-1", ["127.0.0.1"]), ca.crt, "127.0.0.1", 0)
        out: dict[str, Any] = {}
        async with server:
            async with mtls_channel("127.0.0.1", ca.crt, reader, server.port) as channel:
                stub = machine_grpc.MachineServiceStub(channel)
                out["version"] = await stub.Version(empty_pb2.Empty(), timeout=TIMEOUT)
                out["services"] = await stub.ServiceList(empty_pb2.Empty(), timeout=TIMEOUT)
                for name, call in (
                    (
                        "apply",
                        lambda: stub.ApplyConfiguration(
                            machine_pb2.ApplyConfigurationRequest(), timeout=TIMEOUT
                        ),
                    ),
                    ("reboot", lambda: stub.Reboot(machine_pb2.RebootRequest(), timeout=TIMEOUT)),
                ):
                    try:
                        await call()
                    except GRPCError as err:
                        out[f"reader-{name}"] = (err.status, err.message)
            async with mtls_channel("127.0.0.1", ca.crt, admin, server.port) as channel:
                stub = machine_grpc.MachineServiceStub(channel)
                config = _configs.config()
                config.v1alpha1().machine_config.machine_env = {"A": "b"}
                request = machine_pb2.ApplyConfigurationRequest(
                    data=config.encode().encode(), mode=machine_pb2.ApplyConfigurationRequest.AUTO
                )
                out["apply"] = await stub.ApplyConfiguration(request, timeout=TIMEOUT)
                out["reboot"] = await stub.Reboot(machine_pb2.RebootRequest(), timeout=TIMEOUT)
        return out

    out = run(scenario())
    version = out["version"].messages[0]
    assert version.metadata.hostname == "cp-1"
    assert (
        version.version.tag.startswith("v")
        and version.version.os == "linux"
        and version.platform.mode == "container"
    )
    (svc,) = out["services"].messages[0].services
    assert (svc.id, svc.state, svc.health.healthy) == ("etcd", "Running", True)
    assert svc.events.events[0].msg == "Health check successful" and svc.events.events[0].ts.seconds == 2
    assert out["reader-apply"] == (Status.PERMISSION_DENIED, "not authorized")
    assert out["reader-reboot"] == (Status.PERMISSION_DENIED, "not authorized")
    applied = out["apply"].messages[0]
    assert applied.mode == machine_pb2.ApplyConfigurationRequest.REBOOT
    assert applied.mode_details.startswith("Applied configuration with a reboot: this config change")
    actor = out["reboot"].messages[0].actor_id
    assert node.reboots == ["", actor] and len(runtime.persisted) == 1


def test_normal_mode_refuses_clients_without_certificate(pki: Any) -> None:
    ca, _, _ = pki

    async def scenario() -> None:
        api = MachineApi(FakeNode(), Applier(FakeRuntime(_configs.config())))
        async with (
            machine_server(
                api, node_server_cert(ca, "cp-1", ["127.0.0.1"]), ca.crt, "127.0.0.1", 0
            ) as server,
            mtls_channel("127.0.0.1", ca.crt, None, server.port) as channel,
        ):
            await machine_grpc.MachineServiceStub(channel).Version(empty_pb2.Empty(), timeout=TIMEOUT)

    with pytest.raises(Exception) as err:
        run(scenario())
    assert not isinstance(err.value, AssertionError)


def test_node_certificates_name_hostname_fqdn_and_localhost_never_an_empty_name() -> None:
    from cryptography import x509 as cx509

    def sans(pem: bytes) -> tuple[list[str], list[str]]:
        ext = cx509.load_pem_x509_certificate(pem).extensions.get_extension_for_class(
            cx509.SubjectAlternativeName
        )
        return ext.value.get_values_for_type(cx509.DNSName), [
            str(ip) for ip in ext.value.get_values_for_type(cx509.IPAddress)
        ]

    ca = new_talos_ca()
    issued = node_server_cert(ca, "talos-abc-def", ["10.5.0.2"], domainname="example.org")
    assert sans(issued.crt) == (
        ["talos-abc-def", "talos-abc-def.example.org", "localhost"],
        ["10.5.0.2", "127.0.0.1"],
    )
    # maintenance mode before any config: no hostname is published yet
    assert sans(self_signed_server_cert("", []).crt) == (["localhost"], ["127.0.0.1"])
