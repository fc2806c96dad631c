"""machined, apid and trustd as three supervised in-process services: wiring, order, health, API rules.

A real :class:`~pytalos.apid.server.Apid` forwards to a unix-socket server standing in for machined's
API (Version only); a real trustd server listens on loopback. The supervisor starts machined before
apid (dependency) and apid only once the certificates condition holds; health checks really call
apid (``Version`` with the impersonator certificate) or complete the verified TLS handshake (no
client certificate, as on a worker); ``service apid|trustd restart`` is refused with Talos's message.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.api.server import ApiServer, partial_service
from pytalos.apid.server import Apid, ApidConfig
from pytalos.machined.server.servicectl import control
from pytalos.machined.server.unix import UnixApiServer
from pytalos.machined.services.apid import ApidService, version_probe
from pytalos.machined.services.machined import MachinedService
from pytalos.machined.services.trustd import TrustdService
from pytalos.machined.system import ServiceLogs, System
from pytalos.machined.system.conditions import EventCondition
from pytalos.machined.system.service import Service
from pytalos.machinery import role
from pytalos.machinery.crypto import x509
from pytalos.trustd.server import TrustdSecrets, trustd_server

pytestmark = pytest.mark.unit

CA = x509.new_self_signed_ca(organizations=["talos"])
SERVER = x509.issue_certificate(CA, ip_addresses=["127.0.0.1"], ext_key_usage=[x509.SERVER_AUTH])
IMPERSONATOR = x509.issue_certificate(CA, organizations=[role.IMPERSONATOR], ext_key_usage=[x509.CLIENT_AUTH])


class VersionOnly:
    def __init__(self) -> None:
        self.calls = 0

    async def Version(self, stream: Stream[Any, Any]) -> None:
        await stream.recv_message()
        self.calls += 1
        reply = machine_pb2.Version(metadata=common_pb2.Metadata(hostname="n1"))
        await stream.send_message(machine_pb2.VersionResponse(messages=[reply]))


def _apid(
    socket: Path, client: x509.CertificateAndKey | None, server: x509.CertificateAndKey = SERVER
) -> Apid:
    return Apid(
        ApidConfig(server=server, cas=[CA.crt], local_socket=socket, client=client, host="127.0.0.1", port=0)
    )


def _states(system: System) -> dict[str, tuple[str, bool]]:
    return {i.id: (i.state, i.health.healthy) for i in system.service_list()}


async def _until(system: System, check: Any, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if check(_states(system)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"services not as expected: {_states(system)}")


def test_apid_waits_for_machined_and_certificates_and_is_healthy_through_version() -> None:
    folder = Path(tempfile.mkdtemp(prefix="ptapi-", dir="/tmp"))  # unix socket paths must stay short
    socket = folder / "machine.sock"
    version = VersionOnly()
    certificates = EventCondition("api certificates")

    async def machined_server() -> UnixApiServer:
        return UnixApiServer([partial_service(machine_grpc.MachineServiceBase, version)], socket)

    async def apid_server() -> Apid:
        return _apid(socket, IMPERSONATOR)

    async def trustd() -> ApiServer:
        async def secrets() -> TrustdSecrets:
            return TrustdSecrets(CA, "t")

        return trustd_server(secrets, SERVER, "127.0.0.1", 0)

    async def scenario() -> None:
        logs = ServiceLogs()
        system = System(logs=logs)
        apid = ApidService(apid_server, logs.get("apid"), condition=lambda: certificates)
        services: list[Service] = [
            apid,
            MachinedService(machined_server, logs.get("machined")),
            TrustdService(trustd, logs.get("trustd"), condition=lambda: certificates),
        ]
        system.load_and_start(*services)
        await _until(system, lambda s: s["machined"] == ("Running", True) and s["apid"][0] == "Waiting")
        runner = system.runner_for("apid")
        assert runner is not None
        for _ in range(60):  # the description drops machined once it is up (re-read every second)
            if "Waiting for api certificates" in [e.message for e in runner.events.get(5)]:
                break
            await asyncio.sleep(0.05)
        assert runner.events.get(1)[-1].message == "Waiting for api certificates"
        certificates.set()
        await system.wait("machined", "apid", "trustd", timeout=15)
        assert _states(system) == {
            "machined": ("Running", True),
            "apid": ("Running", True),
            "trustd": ("Running", True),
        }
        assert version.calls >= 1  # apid's health check went through apid to "machined"

        for service_id in ("apid", "trustd"):
            with pytest.raises(GRPCError) as err:
                await control(system.api_restart, service_id, "restart", "restarted")
            assert err.value.status is Status.UNKNOWN
            assert err.value.message == f'service "{service_id}" doesn\'t support restart operation via API'
        await system.shutdown()
        assert not socket.exists()

    try:
        asyncio.run(asyncio.wait_for(scenario(), 60))
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def test_apid_probe_without_client_certificate_checks_the_server_chain() -> None:
    folder = Path(tempfile.mkdtemp(prefix="ptapi-", dir="/tmp"))
    foreign = x509.new_self_signed_ca(organizations=["talos"])
    stranger = x509.issue_certificate(foreign, ip_addresses=["127.0.0.1"], ext_key_usage=[x509.SERVER_AUTH])

    async def scenario() -> None:
        async with _apid(folder / "none.sock", None) as apid:
            await version_probe(apid)  # a worker: the verified handshake is the whole check
        async with _apid(folder / "none.sock", None, server=stranger) as apid:
            with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
                await version_probe(apid)

    try:
        asyncio.run(asyncio.wait_for(scenario(), 30))
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def test_the_services_are_not_controllable_through_the_api() -> None:
    for service in (ApidService, TrustdService, MachinedService):
        assert not (service.user_restartable or service.user_startable or service.user_stoppable)
    assert ApidService(lambda: None, ServiceLogs().get("apid")).depends_on() == ("machined",)  # type: ignore[arg-type,return-value]
