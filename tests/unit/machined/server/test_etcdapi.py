"""The etcd Machine API methods over machined's real mTLS server, with an etcd double behind them:
reply shapes, Talos's roles, control-plane checks and error statuses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from google.protobuf import empty_pb2
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.machined.etcd.client import Alarm, EtcdClientError, Member, MemberStatus
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.etcdapi import EtcdApi, EtcdOps, forfeit_leadership, member_id_hex
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode

pytestmark = pytest.mark.unit
TIMEOUT = 10.0
ME, OTHER = 0x8E1C5A4F2D3B0001, 0x0000000000000A02


def _status(leader: int = ME) -> MemberStatus:
    return MemberStatus(ME, "3.4.23", 20480, 16384, leader, 12, 2, 12, (), False)


@dataclass
class FakeEtcd:
    """The local member of a two-member cluster (``cp-1`` leads, ``cp-2`` follows)."""

    leader: int = ME
    alarms_raised: list[Alarm] = field(default_factory=lambda: [Alarm(ME, "NOSPACE")])
    calls: list[str] = field(default_factory=list)
    members: list[Member] = field(
        default_factory=lambda: [
            Member(ME, "cp-1", ("https://10.5.0.2:2380",), ("https://10.5.0.2:2379",), False),
            Member(OTHER, "cp-2", ("https://10.5.0.3:2380",), ("https://10.5.0.3:2379",), True),
        ]
    )

    async def member_list(self) -> list[Member]:
        return list(self.members)

    async def status(self) -> MemberStatus:
        return _status(self.leader)

    async def key_count(self) -> tuple[int, int]:
        return 42, 7

    async def snapshot_chunks(self) -> AsyncIterator[bytes]:
        for chunk in (b"a" * 70000, b"b" * 10):
            yield chunk

    async def alarms(self) -> list[Alarm]:
        return list(self.alarms_raised)

    async def alarm_disarm(self) -> list[Alarm]:
        disarmed, self.alarms_raised = self.alarms_raised, []
        return disarmed

    async def defragment(self) -> None:
        self.calls.append("defragment")

    async def move_leader(self, target_id: int) -> None:
        self.calls.append(f"move_leader {target_id:x}")

    async def member_remove(self, member_id: int) -> None:
        if member_id not in {m.id for m in self.members}:
            raise EtcdClientError(
                "etcd at 127.0.0.1:2379: remove member failed: member not found", "NOT_FOUND"
            )
        self.calls.append(f"member_remove {member_id:x}")

    async def close(self) -> None:
        self.calls.append("close")


@dataclass
class FakeAccess:
    etcd: FakeEtcd
    kind: str = "controlplane"
    registered: bool = True
    connect_error: str = ""
    events: list[str] = field(default_factory=list)

    def machine_type(self) -> str:
        return self.kind

    def has_etcd_service(self) -> bool:
        return self.registered

    async def client(self) -> EtcdOps:
        if self.connect_error:
            raise EtcdClientError(self.connect_error)
        return self.etcd

    async def stop_etcd(self) -> None:
        self.events.append("stop etcd")

    def wipe_data(self) -> None:
        self.events.append("wipe data")


@pytest.fixture(scope="module")
def pki() -> tuple[CertificateAndKey, dict[str, CertificateAndKey]]:
    ca = new_talos_ca()
    roles = ("os:admin", "os:operator", "os:reader", "os:etcd:backup")
    return ca, {r: new_admin_certificate(ca, roles=[r]) for r in roles}


def _run(pki: Any, access: FakeAccess, role: str, calls: dict[str, Any]) -> dict[str, Any]:
    ca, certs = pki

    async def scenario() -> dict[str, Any]:
        api = MachineApi(FakeNode(), Applier(FakeRuntime(_configs.config())))
        api.etcd_access = access
        out: dict[str, Any] = {}
        async with (
            machine_server(
                api, node_server_cert(ca, "cp-1", ["127.0.0.1"]), ca.crt, "127.0.0.1", 0
            ) as server,
            mtls_channel("127.0.0.1", ca.crt, certs[role], server.port) as channel,
        ):
            stub = machine_grpc.MachineServiceStub(channel)
            for name, call in calls.items():
                try:
                    out[name] = await call(stub)
                except GRPCError as err:
                    out[name] = (err.status, err.message)
        return out

    return asyncio.run(asyncio.wait_for(scenario(), 30))


EMPTY = empty_pb2.Empty()


def _snapshot(stub: Any) -> Any:
    async def collect() -> bytes:
        async with stub.EtcdSnapshot.open(timeout=TIMEOUT) as stream:
            await stream.send_message(machine_pb2.EtcdSnapshotRequest(), end=True)
            messages = [m async for m in stream]
        # pytalos's header first: no bytes, the counts read right before the snapshot
        assert messages[0].bytes == b""
        assert messages[0].metadata.status.message == "pytalos etcd snapshot: revision=42 keys=7"
        return b"".join(m.bytes for m in messages)

    return collect()


ALL_CALLS: dict[str, Any] = {
    "members": lambda s: s.EtcdMemberList(
        machine_pb2.EtcdMemberListRequest(query_local=True), timeout=TIMEOUT
    ),
    "status": lambda s: s.EtcdStatus(EMPTY, timeout=TIMEOUT),
    "alarms": lambda s: s.EtcdAlarmList(EMPTY, timeout=TIMEOUT),
    "snapshot": _snapshot,
    "disarm": lambda s: s.EtcdAlarmDisarm(EMPTY, timeout=TIMEOUT),
    "defrag": lambda s: s.EtcdDefragment(EMPTY, timeout=TIMEOUT),
    "forfeit": lambda s: s.EtcdForfeitLeadership(machine_pb2.EtcdForfeitLeadershipRequest(), timeout=TIMEOUT),
    "remove": lambda s: s.EtcdRemoveMemberByID(
        machine_pb2.EtcdRemoveMemberByIDRequest(member_id=OTHER), timeout=TIMEOUT
    ),
    "remove_missing": lambda s: s.EtcdRemoveMemberByID(
        machine_pb2.EtcdRemoveMemberByIDRequest(member_id=0x1234), timeout=TIMEOUT
    ),
    "leave": lambda s: s.EtcdLeaveCluster(machine_pb2.EtcdLeaveClusterRequest(), timeout=TIMEOUT),
}


def test_admin_gets_talos_reply_shapes(pki: Any) -> None:
    access = FakeAccess(FakeEtcd())
    out = _run(pki, access, "os:admin", ALL_CALLS)
    members = out["members"].messages[0]
    assert members.metadata.hostname == "cp-1"
    assert list(members.legacy_members) == ["cp-1", "cp-2"]
    assert [(m.id, m.hostname, list(m.peer_urls), m.is_learner) for m in members.members] == [
        (ME, "cp-1", ["https://10.5.0.2:2380"], False),
        (OTHER, "cp-2", ["https://10.5.0.3:2380"], True),
    ]
    status = out["status"].messages[0].member_status
    assert (status.member_id, status.protocol_version, status.db_size, status.db_size_in_use) == (
        ME,
        "3.4.23",
        20480,
        16384,
    )
    assert (status.leader, status.raft_index, status.raft_term, status.raft_applied_index) == (ME, 12, 2, 12)
    alarm = out["alarms"].messages[0].member_alarms[0]
    assert (alarm.member_id, alarm.alarm) == (ME, machine_pb2.EtcdMemberAlarm.NOSPACE)
    assert out["snapshot"] == b"a" * 70000 + b"b" * 10
    assert [a.alarm for a in out["disarm"].messages[0].member_alarms] == [machine_pb2.EtcdMemberAlarm.NOSPACE]
    assert out["defrag"].messages[0].metadata.hostname == "cp-1"
    # cp-2 is a learner: nobody else can take the lead, so the leader keeps it (Talos skips learners too)
    assert out["forfeit"].messages[0].member == ""
    assert len(out["remove"].messages) == 1
    assert out["remove_missing"][0] == Status.NOT_FOUND
    assert "member not found" in out["remove_missing"][1]
    assert len(out["leave"].messages) == 1
    assert f"member_remove {OTHER:x}" in access.etcd.calls and f"member_remove {ME:x}" in access.etcd.calls
    assert access.events == ["stop etcd", "wipe data"]
    assert "defragment" in access.etcd.calls and access.etcd.calls.count("close") >= 9


def test_forfeit_moves_leadership_to_a_voter() -> None:
    etcd = FakeEtcd()
    etcd.members[1] = Member(OTHER, "cp-2", (), (), False)
    assert asyncio.run(forfeit_leadership(etcd)) == "cp-2"
    assert etcd.calls == [f"move_leader {OTHER:x}"]
    assert asyncio.run(forfeit_leadership(FakeEtcd(leader=OTHER))) == ""
    with pytest.raises(EtcdClientError, match="cannot forfeit leadership, only one member"):
        asyncio.run(forfeit_leadership(FakeEtcd(members=FakeEtcd().members[:1])))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("os:reader", {"members", "status", "alarms"}),
        ("os:etcd:backup", {"members", "status", "alarms", "snapshot"}),
        ("os:operator", {"members", "status", "alarms", "snapshot", "disarm", "defrag"}),
    ],
)
def test_roles_follow_talos_rules(pki: Any, role: str, allowed: set[str]) -> None:
    out = _run(pki, FakeAccess(FakeEtcd()), role, ALL_CALLS)
    denied = {name for name, value in out.items() if value == (Status.PERMISSION_DENIED, "not authorized")}
    assert denied == set(ALL_CALLS) - allowed


def test_worker_and_missing_service_and_unreachable_etcd(pki: Any) -> None:
    calls = {
        "members": ALL_CALLS["members"],
        "snapshot": ALL_CALLS["snapshot"],
        "status": ALL_CALLS["status"],
    }
    worker = _run(pki, FakeAccess(FakeEtcd(), kind="worker"), "os:admin", calls)
    assert worker["members"] == (Status.UNIMPLEMENTED, "member list is only available on control plane nodes")
    assert worker["snapshot"] == (
        Status.UNIMPLEMENTED,
        "etcd snapshot is only available on control plane nodes",
    )
    no_service = _run(pki, FakeAccess(FakeEtcd(), registered=False), "os:admin", calls)
    assert no_service["status"] == (
        Status.UNIMPLEMENTED,
        'etcd status is not available: "etcd" service is not registered on this node',
    )
    down = FakeAccess(FakeEtcd(), connect_error="etcd at 127.0.0.1:2379: status failed: UNAVAILABLE: refused")
    unreachable = _run(pki, down, "os:admin", calls)
    assert unreachable["status"][0] == Status.UNKNOWN
    assert unreachable["status"][1].startswith("failed to create etcd client: etcd at 127.0.0.1:2379")


def test_member_id_format() -> None:
    assert member_id_hex(0xA02) == "0000000000000a02"


def test_every_normal_mode_machine_api_serves_the_etcd_methods() -> None:
    assert issubclass(MachineApi, EtcdApi)
