"""The authorization matrix: every MachineService and COSI method x every kind of caller, against a real
grpclib server over mTLS with :func:`pytalos.api.authz.install` (mode ``ENABLED``, Talos's rules).

The expected table below is written from the spec (§2.2), independently of ``authz.RULES``. Callers
whose certificate fails the TLS handshake (none, another CA, expired, serverAuth only) never reach
gRPC: that is ``UNAVAILABLE`` as grpc-go reports it; a certificate that passes OpenSSL but is not
exactly ``[clientAuth]`` is ``UNAUTHENTICATED``; a missing role is ``PERMISSION_DENIED``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from grpclib.client import Channel
from grpclib.const import Handler
from grpclib.exceptions import GRPCError, StreamTerminatedError
from grpclib.server import Server, Stream

from pytalos.api import authz
from pytalos.api.tls import client_context, server_context
from pytalos.apid.methods import RawCodec, catalogue
from pytalos.machinery import role
from pytalos.machinery.crypto.x509 import CLIENT_AUTH, SERVER_AUTH, CertificateAndKey, issue_certificate
from pytalos.machinery.role import RoleSet
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca

pytestmark = pytest.mark.unit
T = TypeVar("T")

A, OP, R = "os:admin", "os:operator", "os:reader"
ADMIN_ONLY = {
    "Bootstrap", "Copy", "EtcdForfeitLeadership", "EtcdLeaveCluster", "EtcdRecover", "EtcdRemoveMemberByID",
    "EtcdDowngradeCancel", "EtcdDowngradeEnable", "EtcdDowngradeValidate", "GenerateClientConfiguration",
    "Kubeconfig", "Read", "Reset", "Rollback", "Upgrade",
    # not in Talos's table at all: the fallback is admin only
    "EtcdRemoveMember", "GenerateConfiguration",
}  # fmt: skip
EXPECTED_MACHINE: dict[str, set[str]] = {
    **{m: {A} for m in ADMIN_ONLY},
    "ApplyConfiguration": {A, R},
    **{
        m: {A, OP}
        for m in (
            "EtcdAlarmDisarm",
            "EtcdDefragment",
            "ImagePull",
            "PacketCapture",
            "Reboot",
            "Restart",
            "ServiceRestart",
            "ServiceStart",
            "ServiceStop",
            "Shutdown",
        )
    },
    "EtcdSnapshot": {A, OP, "os:etcd:backup"},
    **{m: {A, OP, R, "os:etcd:backup"} for m in ("EtcdAlarmList", "EtcdMemberList", "EtcdStatus")},
    "MetaWrite": {A, "os:meta:writer"},
    "MetaDelete": {A, "os:meta:writer"},
    **{
        m: {A, OP, R}
        for m in (
            "CPUInfo",
            "CPUFreqStats",
            "Containers",
            "DiskStats",
            "DiskUsage",
            "Dmesg",
            "Events",
            "Hostname",
            "ImageList",
            "List",
            "LoadAvg",
            "Logs",
            "LogsContainers",
            "Memory",
            "Mounts",
            "NetworkDeviceStats",
            "Netstat",
            "Processes",
            "ServiceList",
            "Stats",
            "SystemStat",
            "Version",
        )
    },
}
EXPECTED_COSI = {
    **{m: {A} for m in ("Create", "Update", "Destroy", "Teardown", "TeardownAndDestroy")},
    **{m: {A, OP, R} for m in ("Get", "List", "Watch")},
}
EXPECTED = {f"/machine.MachineService/{m}": r for m, r in EXPECTED_MACHINE.items()} | {
    f"/cosi.resource.State/{m}": r for m, r in EXPECTED_COSI.items()
}
METHODS = sorted(
    p for p in catalogue() if p.startswith(("/machine.MachineService/", "/cosi.resource.State/"))
)


def test_expected_table_covers_every_served_method() -> None:
    assert sorted(EXPECTED) == METHODS
    for method, roles in EXPECTED.items():
        assert authz.allowed_roles(method) == RoleSet(roles), method


class Echo:
    """Answers every method with an empty message and the roles it saw in ``talos-role``."""

    seen: list[list[str]]

    def __init__(self) -> None:
        self.seen = []

    def __mapping__(self) -> dict[str, Handler]:
        return {p: Handler(self.handle, c, bytes, bytes) for p, c in catalogue().items()}

    async def handle(self, stream: Stream[Any, Any]) -> None:
        async for _ in stream:
            break
        assert stream.metadata is not None
        self.seen.append([str(v) for v in stream.metadata.getall(authz.ROLE_METADATA_KEY, [])])
        await stream.send_message(b"")


class Pki:
    def __init__(self) -> None:
        self.ca = new_talos_ca()
        self.other_ca = new_talos_ca()
        self.server = issue_certificate(
            self.ca, common_name="node", ip_addresses=["127.0.0.1"], ext_key_usage=[SERVER_AUTH]
        )

    def client(self, case: str) -> CertificateAndKey | None:
        if case == "no-cert":
            return None
        past = datetime.now(UTC) - timedelta(days=30)
        return {
            "other-ca": new_admin_certificate(self.other_ca),
            "expired": new_admin_certificate(self.ca, now=past, ttl=timedelta(days=1)),
            "server-auth-only": issue_certificate(self.ca, organizations=[A], ext_key_usage=[SERVER_AUTH]),
            "both-usages": issue_certificate(
                self.ca, organizations=[A], ext_key_usage=[SERVER_AUTH, CLIENT_AUTH]
            ),
            "impersonator-no-role": new_admin_certificate(self.ca, roles=[role.IMPERSONATOR]),
            "impersonator-admin": new_admin_certificate(self.ca, roles=[role.IMPERSONATOR]),
            "impersonator-reader": new_admin_certificate(self.ca, roles=[role.IMPERSONATOR]),
            "unknown-and-empty-org": new_admin_certificate(self.ca, roles=["os:future", ""]),
            "reader-spoofing-admin": new_admin_certificate(self.ca, roles=[R]),
        }.get(case) or new_admin_certificate(self.ca, roles=[case])


ROLE_CASES = [A, OP, R, "os:etcd:backup", "os:meta:writer", "os:image:verifier"]
HANDSHAKE_CASES = ["no-cert", "other-ca", "expired", "server-auth-only"]
#: role metadata each case sends (a non-impersonator's is ignored)
SENT_ROLES = {"impersonator-admin": [A], "impersonator-reader": [R], "reader-spoofing-admin": [A]}
#: the roles each case ends up with
EFFECTIVE = {
    **{r: {r} for r in ROLE_CASES},
    "impersonator-no-role": set(),
    "impersonator-admin": {A},
    "impersonator-reader": {R},
    "unknown-and-empty-org": {"os:future"},
    "reader-spoofing-admin": {R},
}


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


async def _serving(pki: Pki, echo: Echo, calls: Callable[[int], Awaitable[T]]) -> T:
    """Run ``calls(port)`` against a fresh server in this event loop (a server in another thread makes
    every call wait for GIL hand-overs: 20 ms instead of 1 ms)."""
    server = Server([echo], codec=RawCodec())
    authz.install(server, authz.Mode.ENABLED, client_cas=[pki.ca.crt])
    await server.start("127.0.0.1", 0, ssl=server_context(pki.server, pki.ca.crt))
    assert server._server is not None and server._server.sockets
    try:
        return await calls(server._server.sockets[0].getsockname()[1])
    finally:
        server.close()
        await server.wait_closed()


async def _call(channel: Channel, method: str, metadata: list[tuple[str, str]]) -> str:
    try:
        async with channel.request(
            method, catalogue()[method], bytes, bytes, timeout=10, metadata=metadata
        ) as s:
            with contextlib.suppress(StreamTerminatedError):  # answered (an error) before reading it
                await s.send_message(b"", end=True)
            async for _ in s:
                pass
        return "OK"
    except GRPCError as err:
        return err.status.name
    except (ssl.SSLError, ConnectionError, StreamTerminatedError):
        return "UNAVAILABLE"


def _results(pki: Pki, case: str) -> dict[str, str]:
    metadata = [(authz.ROLE_METADATA_KEY, r) for r in SENT_ROLES.get(case, [])]

    async def run(port: int) -> dict[str, str]:
        # one channel: after a failed handshake grpclib simply connects (and fails) again on the next call
        ctx = client_context(pki.ca.crt, pki.client(case))
        channel = Channel("127.0.0.1", port, ssl=ctx, codec=RawCodec())
        try:
            return {method: await _call(channel, method, metadata) for method in METHODS}
        finally:
            channel.close()

    return asyncio.run(_serving(pki, Echo(), run))


@pytest.mark.parametrize("case", HANDSHAKE_CASES)
def test_certificates_refused_in_the_tls_handshake(pki: Pki, case: str) -> None:
    assert set(_results(pki, case).values()) == {"UNAVAILABLE"}


def test_a_certificate_not_exactly_client_auth_is_unauthenticated(pki: Pki) -> None:
    assert set(_results(pki, "both-usages").values()) == {"UNAUTHENTICATED"}


@pytest.mark.parametrize("case", sorted(EFFECTIVE))
def test_every_method_for_each_role(pki: Pki, case: str) -> None:
    got = _results(pki, case)
    want = {m: "OK" if EXPECTED[m] & EFFECTIVE[case] else "PERMISSION_DENIED" for m in METHODS}
    assert {m: got[m] for m in METHODS if got[m] != want[m]} == {}
    assert sum(v == "OK" for v in got.values()) == sum(v == "OK" for v in want.values())


def test_handlers_see_only_the_decided_roles_in_talos_role(pki: Pki) -> None:
    echo = Echo()

    async def run(port: int) -> None:
        for case in ("reader-spoofing-admin", "impersonator-admin"):
            ctx = client_context(pki.ca.crt, pki.client(case))
            channel = Channel("127.0.0.1", port, ssl=ctx, codec=RawCodec())
            metadata = [(authz.ROLE_METADATA_KEY, r) for r in SENT_ROLES[case]]
            await _call(channel, "/machine.MachineService/Version", metadata)
            channel.close()

    asyncio.run(_serving(pki, echo, run))
    assert echo.seen == [[R], [A]]


def test_verify_client_certificate_reasons(pki: Pki) -> None:
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import serialization

    cas = authz.load_cas([pki.ca.crt])

    def der(c: CertificateAndKey) -> bytes:
        return cx509.load_pem_x509_certificate(c.crt).public_bytes(serialization.Encoding.DER)

    def reason(case: str) -> str:
        client = pki.client(case)
        assert client is not None
        try:
            authz.verify_client_certificate(der(client), cas)
        except authz.CertificateRejectedError as err:
            return str(err)
        return "accepted"

    assert reason(A) == "accepted"
    assert reason("other-ca").endswith("not signed by an accepted CA")
    assert "not valid at" in reason("expired")
    assert reason("server-auth-only").endswith("must be exactly [clientAuth], got [serverAuth]")
    assert reason("both-usages").endswith("must be exactly [clientAuth], got [serverAuth, clientAuth]")
    assert authz.certificate_roles(
        cx509.load_pem_x509_certificate(pki.client("unknown-and-empty-org").crt)
    ) == (  # type: ignore[union-attr]
        RoleSet(["os:future"])
    )


def test_read_only_mode_makes_everyone_a_reader_and_metadata_only_needs_the_local_socket() -> None:
    assert authz.Authorizer(authz.Mode.READ_ONLY).caller(None).roles == RoleSet([R])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ENABLED mode needs"):
        authz.Authorizer(authz.Mode.ENABLED)
