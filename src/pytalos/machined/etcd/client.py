"""An async mTLS client for a running etcd member, over ``etcd3aio`` (grpc.aio).

machined talks to etcd for its health check (Talos's ``ValidateQuorum``: a linearizable read),
for ``etcd members|status|snapshot`` and membership changes (join as a learner, promotion). This
wrapper gives those calls the shape machined needs: plain dataclasses instead of protobuf messages, a
snapshot written atomically to a file, and every failure raised as :class:`EtcdClientError` naming the
endpoint and the operation (a bare ``TimeoutError`` from deep inside gRPC tells an operator nothing).

TLS names: gRPC checks the server certificate against one name for the whole channel. With a
single endpoint that is the endpoint's host (Talos's server certificates carry the node IPs and
``127.0.0.1``); with several it is ``localhost``, which every etcd *server* certificate issued by
:mod:`.pki` carries. The ``ipv4:``/``ipv6:`` gRPC target cannot mix families, so neither can the
endpoints of one client.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
from etcd3aio import Etcd3Client, EtcdError

from .layout import EtcdLayout

DEFAULT_TIMEOUT = 5.0
#: Talos's etcd health settings give a check 15 s; a linearizable read needs a leader.
HEALTH_TIMEOUT = 15.0


class EtcdClientError(RuntimeError):
    """An etcd call failed; the message names the endpoint(s), the operation and the cause.

    ``code`` is the gRPC status name etcd answered with (``NOT_FOUND`` for an unknown member,
    ``FAILED_PRECONDITION`` for "not leader"…), empty when the call failed before an answer.
    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


#: ``etcdserverpb.AlarmType`` names, by value.
ALARM_TYPES = ("NONE", "NOSPACE", "CORRUPT")


@dataclass(frozen=True)
class Alarm:
    """One raised alarm (``etcdserverpb.AlarmMember``); ``alarm`` is the type's name."""

    member_id: int
    alarm: str


@dataclass(frozen=True)
class Member:
    """One entry of the member list (``etcdserverpb.Member``)."""

    id: int
    name: str
    peer_urls: tuple[str, ...]
    client_urls: tuple[str, ...]
    is_learner: bool

    @property
    def hex_id(self) -> str:
        """The ID as ``talosctl etcd members`` prints it."""
        return f"{self.id:016x}"


@dataclass(frozen=True)
class MemberStatus:
    """``Maintenance.Status`` of the member the client is connected to (Talos's EtcdStatus fields)."""

    member_id: int
    version: str
    db_size: int
    db_size_in_use: int
    leader: int
    raft_index: int
    raft_term: int
    raft_applied_index: int
    errors: tuple[str, ...]
    is_learner: bool


def _split_host(endpoint: str) -> tuple[str, str]:
    host, sep, port = endpoint.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise EtcdClientError(f"etcd endpoint {endpoint!r}: expected host:port")
    return host.strip("[]"), port


def _family(host: str) -> int:
    try:
        return ipaddress.ip_address(host).version
    except ValueError:
        return 4  # names resolve through the ipv4: target (etcd3aio maps localhost to 127.0.0.1)


class EtcdClient:
    """mTLS connection to one or more etcd client endpoints (``host:port``, IPv6 in brackets)."""

    def __init__(
        self,
        endpoints: Sequence[str],
        *,
        ca: bytes,
        cert: bytes,
        key: bytes,
        tls_server_name: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not endpoints:
            raise EtcdClientError("etcd client: no endpoint given")
        hosts = [_split_host(e)[0] for e in endpoints]
        families = {_family(h) for h in hosts}
        if len(families) > 1:
            raise EtcdClientError(f"etcd endpoints {list(endpoints)}: cannot mix IPv4 and IPv6 in one client")
        self.endpoints = tuple(endpoints)
        self.timeout = timeout
        server_name = tls_server_name or (hosts[0] if len(hosts) == 1 else "localhost")
        self._client = Etcd3Client(
            [f"{h}:{_split_host(e)[1]}" for h, e in zip(hosts, endpoints, strict=True)],
            tls_server_name=server_name,
            ca_cert=ca,
            cert_key=key,
            cert_chain=cert,
            rpc_max_attempts=1,
        )
        if families == {6}:
            # etcd3aio always builds an ``ipv4:`` target; gRPC needs ``ipv6:[addr]:port`` for v6.
            self._client._manager.target = "ipv6:" + ",".join(self.endpoints)
        self._connected = False

    @classmethod
    def from_layout(cls, layout: EtcdLayout, endpoints: Sequence[str], **kwargs: Any) -> EtcdClient:
        """A client authenticated with the node's admin certificate (``admin.crt``)."""
        try:
            ca, cert, key = (p.read_bytes() for p in (layout.ca_cert, layout.admin_cert, layout.admin_key))
        except OSError as exc:
            raise EtcdClientError(f"etcd client: reading PKI under {layout.pki_dir}: {exc}") from exc
        return cls(endpoints, ca=ca, cert=cert, key=key, **kwargs)

    def _where(self) -> str:
        return f"etcd at {', '.join(self.endpoints)}"

    async def __aenter__(self) -> EtcdClient:
        await self.connect()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def connect(self) -> None:
        if not self._connected:
            await self._client.connect()
            self._connected = True

    async def close(self) -> None:
        if self._connected:
            await self._client.close()
            self._connected = False

    def _svc(self, name: str) -> Any:
        svc = getattr(self._client, name)
        if svc is None:
            raise EtcdClientError(f"{self._where()}: client is not connected")
        return svc

    async def _call(self, operation: str, coro: Any, timeout: float) -> Any:
        try:
            async with asyncio.timeout(timeout):
                return await coro
        except TimeoutError:
            raise EtcdClientError(f"{self._where()}: {operation} timed out after {timeout:g}s") from None
        except grpc.aio.AioRpcError as exc:
            raise EtcdClientError(
                f"{self._where()}: {operation} failed: {exc.code().name}: {exc.details()}", exc.code().name
            ) from exc
        except EtcdError as exc:
            raise EtcdClientError(f"{self._where()}: {operation} failed: {exc}") from exc

    async def put(self, key: str | bytes, value: str | bytes, *, timeout: float | None = None) -> int:
        """Store ``key``; returns the revision of the write."""
        t = timeout or self.timeout
        resp = await self._call(f"put {key!r}", self._svc("kv").put(key, value, timeout=t), t)
        return int(resp.header.revision)

    async def get(self, key: str | bytes, *, timeout: float | None = None) -> bytes | None:
        """Linearizable read of one key; ``None`` when absent."""
        t = timeout or self.timeout
        resp = await self._call(f"get {key!r}", self._svc("kv").get(key, timeout=t), t)
        return bytes(resp.kvs[0].value) if resp.kvs else None

    async def member_list(self, *, timeout: float | None = None) -> list[Member]:
        t = timeout or self.timeout
        resp = await self._call("member list", self._svc("cluster").member_list(timeout=t), t)
        return [_member(m) for m in resp.members]

    async def status(self, *, timeout: float | None = None) -> MemberStatus:
        t = timeout or self.timeout
        resp = await self._call("status", self._svc("maintenance").status(timeout=t), t)
        return MemberStatus(
            member_id=int(resp.header.member_id),
            version=str(resp.version),
            db_size=int(resp.dbSize),
            db_size_in_use=int(resp.dbSizeInUse),
            leader=int(resp.leader),
            raft_index=int(resp.raftIndex),
            raft_term=int(resp.raftTerm),
            raft_applied_index=int(resp.raftAppliedIndex),
            errors=tuple(resp.errors),
            is_learner=bool(resp.isLearner),
        )

    async def health(self, *, timeout: float = HEALTH_TIMEOUT) -> None:
        """Talos's ``ValidateQuorum``: a linearizable read, which needs a leader and a quorum.

        Raises :class:`EtcdClientError` ("etcd at 127.0.0.1:2379: health check (linearizable
        read) timed out after 15s") when the member cannot answer.
        """
        read = self._svc("kv").get("health", serializable=False, count_only=True, timeout=timeout)
        await self._call("health check (linearizable read)", read, timeout)

    async def snapshot(self, path: Path, *, timeout: float = 300.0) -> int:
        """Stream a snapshot of the member's database into ``path``; returns its size in bytes.

        The stream goes to a temporary file beside ``path`` which replaces ``path`` only once
        complete and synced, so a failed transfer never leaves a truncated snapshot behind.
        """
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        size = 0
        try:
            with os.fdopen(fd, "wb") as fh:

                async def stream() -> None:
                    nonlocal size
                    async for chunk in self._svc("maintenance").snapshot(timeout=timeout):
                        fh.write(chunk)
                        size += len(chunk)

                await self._call(f"snapshot to {path}", stream(), timeout)
                fh.flush()
                os.fsync(fh.fileno())
            if size == 0:
                raise EtcdClientError(f"{self._where()}: snapshot to {path}: the member sent no data")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return size

    async def snapshot_chunks(self, *, timeout: float = 300.0) -> AsyncIterator[bytes]:
        """The member's snapshot as it streams in (for relaying it, e.g. to an API client)."""
        stream = self._svc("maintenance").snapshot(timeout=timeout)
        iterator = stream.__aiter__()
        while True:
            try:
                chunk = await self._call("snapshot", iterator.__anext__(), timeout)
            except StopAsyncIteration:
                return
            yield bytes(chunk)

    async def alarms(self, *, timeout: float | None = None) -> list[Alarm]:
        """The alarms raised in the cluster (clientv3 ``AlarmList``)."""
        t = timeout or self.timeout
        resp = await self._call("alarm list", self._svc("maintenance").alarms(timeout=t), t)
        return [_alarm(a) for a in resp.alarms]

    async def alarm_disarm(self, *, timeout: float | None = None) -> list[Alarm]:
        """Deactivate every raised alarm (clientv3 ``AlarmDisarm`` with an empty member): the
        alarms that were disarmed."""
        t = timeout or self.timeout
        disarmed: list[Alarm] = []
        for alarm in await self.alarms(timeout=t):
            kind = ALARM_TYPES.index(alarm.alarm) if alarm.alarm in ALARM_TYPES else 0
            call = self._svc("maintenance").alarm_deactivate(kind, member_id=alarm.member_id, timeout=t)
            resp = await self._call(f"alarm disarm {alarm.alarm} of {alarm.member_id:016x}", call, t)
            disarmed.extend(_alarm(a) for a in resp.alarms)
        return disarmed

    async def defragment(self, *, timeout: float = 300.0) -> None:
        """Defragment the connected member's backend (blocks until done)."""
        await self._call("defragment", self._svc("maintenance").defragment(timeout=timeout), timeout)

    async def move_leader(self, target_id: int, *, timeout: float | None = None) -> None:
        """Hand leadership to ``target_id``; the connected member must be the leader."""
        t = timeout or self.timeout
        await self._call(
            f"move leader to {target_id:016x}", self._svc("maintenance").move_leader(target_id, timeout=t), t
        )

    async def member_add_as_learner(
        self, peer_urls: Sequence[str], *, timeout: float | None = None
    ) -> Member:
        """clientv3 ``MemberAddAsLearner``: the new (unnamed, not started) learner member."""
        t = timeout or self.timeout
        call = self._svc("cluster").member_add(list(peer_urls), is_learner=True, timeout=t)
        resp = await self._call(f"add learner {','.join(peer_urls)}", call, t)
        return _member(resp.member)

    async def member_promote(self, member_id: int, *, timeout: float | None = None) -> None:
        """Promote learner ``member_id`` to a voting member (refused until it caught up with the leader)."""
        t = timeout or self.timeout
        call = self._svc("cluster").member_promote(member_id, timeout=t)
        await self._call(f"promote member {member_id:016x}", call, t)

    async def key_count(self, *, timeout: float | None = None) -> tuple[int, int]:
        """``(revision, number of keys)``: one linearizable count-only range over the whole keyspace."""
        t = timeout or self.timeout
        call = self._svc("kv").get(b"\0", range_end=b"\0", count_only=True, timeout=t)
        resp = await self._call("count keys", call, t)
        return int(resp.header.revision), int(resp.count)

    async def member_remove(self, member_id: int, *, timeout: float | None = None) -> None:
        """Remove ``member_id`` from the cluster (``code`` ``NOT_FOUND`` when there is no such member)."""
        t = timeout or self.timeout
        await self._call(
            f"remove member {member_id:016x}", self._svc("cluster").member_remove(member_id, timeout=t), t
        )


def _member(m: Any) -> Member:
    return Member(
        id=int(m.ID),
        name=str(m.name),
        peer_urls=tuple(m.peerURLs),
        client_urls=tuple(m.clientURLs),
        is_learner=bool(m.isLearner),
    )


def _alarm(member: Any) -> Alarm:
    kind = int(member.alarm)
    return Alarm(int(member.memberID), ALARM_TYPES[kind] if 0 <= kind < len(ALARM_TYPES) else "NONE")
