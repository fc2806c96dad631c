"""The MachineService etcd methods (``talosctl etcd members|status|snapshot|alarm|defrag|leave|…``).

Talos serves them from machined with an etcd client authenticated by the node's etcd admin
certificate; pytalos does the same through :class:`NodeEtcd`, which dials the local member
(``127.0.0.1:<client port>``) with the admin certificate the etcd service wrote under the node root.
A single local endpoint also stands in for Talos's "client from control-plane IPs" (used by the
non-local member list, leave, forfeit and remove-member): the local member forwards membership
changes to the leader, and for a lone control plane the two are the same.

``EtcdSnapshot`` starts with one pytalos header message (no bytes; ``metadata.status`` code OK, message
``pytalos etcd snapshot: revision=N keys=M``, read from the member with one linearizable count-only
range right before the snapshot) that ``talosctl etcd snapshot --verify`` compares with the restored
file; Talos's clients write only ``bytes`` and skip it.

Errors follow Talos's ``checkControlplane``: on a worker every method answers ``Unimplemented``
("member list is only available on control plane nodes"); a control plane whose config has no etcd
(so no ``etcd`` service) answers ``Unimplemented`` naming the service; a failing etcd call answers
``Unknown`` with Talos's prefix and the client's error (which names the endpoint), except a member
that does not exist (``NotFound``). Roles are Talos's rules table (§2.2): reads for admin, operator,
reader and etcd:backup, the snapshot for admin, operator and etcd:backup, alarm disarm and
defragment for admin and operator, membership changes for admin only.

:class:`EtcdApi` is a mixin of :class:`~.machine.MachineApi`; a test sets ``etcd_access`` on the
instance to replace :class:`NodeEtcd` with a double (:class:`EtcdAccess`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.google.rpc import status_pb2
from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, meta

log = logging.getLogger("pytalos.machined.server.etcd")
T = TypeVar("T")

ADMIN = frozenset({"os:admin"})
MANAGE = frozenset({"os:admin", "os:operator"})
BACKUP = frozenset({"os:admin", "os:operator", "os:etcd:backup"})
READ = frozenset({"os:admin", "os:operator", "os:reader", "os:etcd:backup"})

#: Talos retries a member removal that etcd refuses as unhealthy for 5 minutes (``LeaveCluster``).
LEAVE_RETRY_TIMEOUT = 300.0
LEAVE_RETRY_INTERVAL = 1.0


class EtcdOps(Protocol):
    """The etcd calls the handlers make (:class:`~pytalos.machined.etcd.client.EtcdClient`)."""

    async def member_list(self) -> list[Any]: ...

    async def status(self) -> Any: ...

    def snapshot_chunks(self) -> AsyncIterator[bytes]: ...

    async def key_count(self) -> tuple[int, int]: ...

    async def alarms(self) -> list[Any]: ...

    async def alarm_disarm(self) -> list[Any]: ...

    async def defragment(self) -> None: ...

    async def move_leader(self, target_id: int) -> None: ...

    async def member_remove(self, member_id: int) -> None: ...

    async def close(self) -> None: ...


class EtcdAccess(Protocol):
    """What the handlers need from the node."""

    def machine_type(self) -> str: ...

    def has_etcd_service(self) -> bool: ...

    async def client(self) -> EtcdOps:
        """A connected client to the local member."""
        ...

    async def stop_etcd(self) -> None: ...

    def wipe_data(self) -> None: ...


class NodeEtcd:
    """:class:`EtcdAccess` over machined: its config, services, node root and etcd client port."""

    def __init__(self, api: Any) -> None:
        self.api = api

    def machine_type(self) -> str:
        runtime = getattr(getattr(self.api, "applier", None), "runtime", None)
        loaded = runtime.active_config() if runtime is not None else None
        if loaded is None:
            return ""
        machine = getattr(loaded.container.v1alpha1(), "machine_config", None)
        return str(getattr(machine, "machine_type", "") or "")

    def has_etcd_service(self) -> bool:
        return any(s.id == "etcd" for s in self.api.node.service_list())

    def _layout(self) -> Any:
        layout = getattr(self.api.node, "layout", None)
        if layout is None:
            raise GRPCError(Status.UNIMPLEMENTED, "this node does not expose its etcd files")
        return layout.etcd

    def _port(self) -> int:
        options = getattr(self.api.node, "options", None)
        return int(getattr(options, "etcd_client_port", 2379))

    async def client(self) -> EtcdOps:
        from pytalos.machined.etcd.client import EtcdClient

        client = EtcdClient.from_layout(self._layout(), [f"127.0.0.1:{self._port()}"])
        await client.connect()
        return client

    async def stop_etcd(self) -> None:
        await self.api.node.system.stop("etcd")

    def wipe_data(self) -> None:
        data: Path = self._layout().data_dir
        if data.is_dir():
            for entry in data.iterdir():
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()


def member_id_hex(member_id: int) -> str:
    """Talos's ``etcd.FormatMemberID``."""
    return f"{member_id:016x}"


class EtcdApi:
    """The etcd methods of the module docstring (mixin of ``MachineApi``)."""

    etcd_access: EtcdAccess | None = None

    def _etcd(self) -> EtcdAccess:
        return self.etcd_access if self.etcd_access is not None else NodeEtcd(self)

    async def _begin(self, stream: Stream[Any, Any], roles: frozenset[str], api_name: str) -> Any:
        check_roles(stream, roles)
        request = await stream.recv_message()
        access = self._etcd()
        if access.machine_type() not in ("controlplane", "init"):
            raise GRPCError(Status.UNIMPLEMENTED, f"{api_name} is only available on control plane nodes")
        if not access.has_etcd_service():
            raise GRPCError(
                Status.UNIMPLEMENTED,
                f'{api_name} is not available: "etcd" service is not registered on this node',
            )
        return request

    async def _with_client(self, what: str, call: Callable[[EtcdOps], Awaitable[T]]) -> T:
        """``call`` with a connected local client; etcd failures become Talos's ``failed to …`` errors."""
        from pytalos.machined.etcd.client import EtcdClientError

        try:
            client = await self._etcd().client()
        except (EtcdClientError, OSError) as err:
            raise GRPCError(Status.UNKNOWN, f"failed to create etcd client: {err}") from None
        try:
            return await call(client)
        except EtcdClientError as err:
            status = Status.NOT_FOUND if err.code == "NOT_FOUND" else Status.UNKNOWN
            raise GRPCError(status, f"{what}: {err}") from None
        finally:
            with contextlib.suppress(Exception):
                await client.close()

    async def EtcdMemberList(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, READ, "member list")
        members = await self._with_client("failed to list etcd members", lambda c: c.member_list())
        reply = machine_pb2.EtcdMembers(
            metadata=meta(self),
            legacy_members=[m.name for m in members],
            members=[
                machine_pb2.EtcdMember(
                    id=m.id,
                    hostname=m.name,
                    peer_urls=list(m.peer_urls),
                    client_urls=list(m.client_urls),
                    is_learner=m.is_learner,
                )
                for m in members
            ],
        )
        await stream.send_message(machine_pb2.EtcdMemberListResponse(messages=[reply]))

    async def EtcdStatus(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, READ, "etcd status")
        st = await self._with_client("failed to query etcd status", lambda c: c.status())
        status = machine_pb2.EtcdMemberStatus(
            member_id=st.member_id,
            protocol_version=st.version,
            db_size=st.db_size,
            db_size_in_use=st.db_size_in_use,
            leader=st.leader,
            raft_index=st.raft_index,
            raft_term=st.raft_term,
            raft_applied_index=st.raft_applied_index,
            errors=list(st.errors),
            is_learner=st.is_learner,
        )
        reply = machine_pb2.EtcdStatus(metadata=meta(self), member_status=status)
        await stream.send_message(machine_pb2.EtcdStatusResponse(messages=[reply]))

    async def EtcdSnapshot(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, BACKUP, "etcd snapshot")

        async def relay(client: EtcdOps) -> int:
            from pytalos.machined.etcd.verify import SnapshotCounts, format_header

            revision, keys = await client.key_count()
            header = format_header(SnapshotCounts(revision, keys))
            await stream.send_message(
                common_pb2.Data(
                    metadata=common_pb2.Metadata(status=status_pb2.Status(code=0, message=header))
                )
            )
            size = 0
            async for chunk in client.snapshot_chunks():
                await stream.send_message(common_pb2.Data(bytes=chunk))
                size += len(chunk)
            return size

        size = await self._with_client("failed reading etcd snapshot", relay)
        log.info("etcd snapshot streamed (%d bytes)", size)

    async def EtcdAlarmList(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, READ, "etcd alarm list")
        alarms = await self._with_client("failed to list etcd alarms", lambda c: c.alarms())
        reply = machine_pb2.EtcdAlarm(metadata=meta(self), member_alarms=_alarms(alarms))
        await stream.send_message(machine_pb2.EtcdAlarmListResponse(messages=[reply]))

    async def EtcdAlarmDisarm(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, MANAGE, "etcd alarm list")  # sic: Talos's text for disarm
        alarms = await self._with_client("failed to disarm etcd alarm", lambda c: c.alarm_disarm())
        reply = machine_pb2.EtcdAlarmDisarm(metadata=meta(self), member_alarms=_alarms(alarms))
        await stream.send_message(machine_pb2.EtcdAlarmDisarmResponse(messages=[reply]))

    async def EtcdDefragment(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, MANAGE, "etcd defragment")
        await self._with_client("failed to defragment etcd", lambda c: c.defragment())
        reply = machine_pb2.EtcdDefragment(metadata=meta(self))
        await stream.send_message(machine_pb2.EtcdDefragmentResponse(messages=[reply]))

    async def EtcdForfeitLeadership(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, ADMIN, "etcd forfeit leadership")
        leader = await self._with_client("failed to forfeit leadership", forfeit_leadership)
        reply = machine_pb2.EtcdForfeitLeadership(metadata=meta(self), member=leader)
        await stream.send_message(machine_pb2.EtcdForfeitLeadershipResponse(messages=[reply]))

    async def EtcdRemoveMemberByID(self, stream: Stream[Any, Any]) -> None:
        request = await self._begin(stream, ADMIN, "etcd remove member")
        assert request is not None
        member_id = int(request.member_id)
        await self._with_client("failed to remove member", lambda c: c.member_remove(member_id))
        reply = machine_pb2.EtcdRemoveMemberByID(metadata=meta(self))
        await stream.send_message(machine_pb2.EtcdRemoveMemberByIDResponse(messages=[reply]))

    async def EtcdLeaveCluster(self, stream: Stream[Any, Any]) -> None:
        await self._begin(stream, ADMIN, "etcd leave")
        access = self._etcd()
        await self._with_client("failed to leave cluster", leave_cluster)
        try:
            await access.stop_etcd()
        except Exception as err:
            raise GRPCError(Status.UNKNOWN, f"failed to leave cluster: failed to stop etcd: {err}") from None
        try:
            await asyncio.to_thread(access.wipe_data)
        except OSError as err:
            raise GRPCError(Status.UNKNOWN, f"failed to leave cluster: removing etcd data: {err}") from None
        reply = machine_pb2.EtcdLeaveCluster(metadata=meta(self))
        await stream.send_message(machine_pb2.EtcdLeaveClusterResponse(messages=[reply]))


def _alarms(alarms: list[Any]) -> list[machine_pb2.EtcdMemberAlarm]:
    return [
        machine_pb2.EtcdMemberAlarm(
            member_id=a.member_id, alarm=machine_pb2.EtcdMemberAlarm.AlarmType.Value(a.alarm)
        )
        for a in alarms
    ]


async def forfeit_leadership(client: EtcdOps) -> str:
    """Talos's ``ForfeitLeadership``: hand leadership to another voting member when the local member
    leads; the new leader's name, or ``""`` when the local member was not the leader."""
    from pytalos.machined.etcd.client import EtcdClientError

    members = await client.member_list()
    if len(members) == 1:
        raise EtcdClientError("cannot forfeit leadership, only one member")
    status = await client.status()
    if status.leader != status.member_id:
        return ""
    for member in members:
        if member.id == status.member_id or member.is_learner:
            continue
        log.info("moving leadership to %q", member.name)
        try:
            await client.move_leader(member.id)
        except EtcdClientError as err:
            if "not leader" in str(err):
                return ""  # no longer the leader: nothing left to forfeit
            raise
        return str(member.name)
    return ""


async def leave_cluster(client: EtcdOps) -> None:
    """Remove the local member, retrying while etcd refuses the change as unhealthy."""
    from pytalos.machined.etcd.client import EtcdClientError

    member_id = (await client.status()).member_id
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LEAVE_RETRY_TIMEOUT
    while True:
        try:
            await client.member_remove(member_id)
            return
        except EtcdClientError as err:
            if "unhealthy" not in str(err) or loop.time() >= deadline:
                raise
        await asyncio.sleep(LEAVE_RETRY_INTERVAL)
