"""``MachineService.Netstat`` (``talosctl netstat``/``ss``): sockets of the node's network namespace.

The kernel's socket tables ``/proc/net/{tcp,tcp6,udp,udp6,udplite,udplite6,raw,raw6}`` read by
machined are those of the node's netns. Filters are Talos's: ``ALL``, ``CONNECTED`` (state is not
``LISTEN``), ``LISTENING`` (state ``LISTEN``); the protocols asked for in ``l4proto`` (none = tcp, tcp6,
udp, udp6); ``feature.pid`` adds the owning process, found through ``/proc/<pid>/fd`` socket links.
Other namespaces (``netns``) are not visible to a node and are not listed. Needs admin, operator or
reader.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, meta, proc_call
from .procfs import HostProcFS, ProcFS, ProcFSError

_ROLES = frozenset({"os:admin", "os:operator", "os:reader"})
PROTOCOLS = ("tcp", "tcp6", "udp", "udp6", "udplite", "udplite6", "raw", "raw6")
DEFAULT_PROTOCOLS = ("tcp", "tcp6", "udp", "udp6")
LISTEN = 10


def decode_address(text: str) -> tuple[str, int]:
    """``0100007F:0050`` (IPv4) or 32 hex digits (IPv6, four host-order words) → (ip, port)."""
    addr, _, port = text.partition(":")
    raw = bytes.fromhex(addr)
    if len(raw) == 4:
        ip = ipaddress.IPv4Address(raw[::-1])
        return str(ip), int(port, 16)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return str(ipaddress.IPv6Address(words)), int(port, 16)


def _state(value: int) -> str:
    names = machine_pb2.ConnectRecord.State.keys()
    return names[value] if 0 <= value < len(names) else "RESERVED"


def _timer(value: int) -> str:
    names = machine_pb2.ConnectRecord.TimerActive.keys()
    return names[value] if 0 <= value < len(names) else "OFF"


def parse_sockets(proto: str, text: str) -> list[machine_pb2.ConnectRecord]:
    records = []
    for line in text.splitlines()[1:]:
        f = line.split()
        if len(f) < 12:
            continue
        local_ip, local_port = decode_address(f[1])
        remote_ip, remote_port = decode_address(f[2])
        tx, _, rx = f[4].partition(":")
        tr, _, when = f[5].partition(":")
        records.append(
            machine_pb2.ConnectRecord(
                l4proto=proto,
                localip=local_ip,
                localport=local_port,
                remoteip=remote_ip,
                remoteport=remote_port,
                state=_state(int(f[3], 16)),
                txqueue=int(tx, 16),
                rxqueue=int(rx, 16),
                tr=_timer(int(tr, 16)),
                timerwhen=int(when, 16),
                retrnsmt=int(f[6], 16),
                uid=int(f[7]),
                timeout=int(f[8]),
                inode=int(f[9]),
                ref=int(f[10]),
                pointer=int(f[11], 16),
            )
        )
    return records


def socket_owners(fs: ProcFS) -> dict[int, tuple[int, str]]:
    """socket inode → (pid, command) from ``/proc/<pid>/fd`` links ``socket:[inode]``."""
    owners: dict[int, tuple[int, str]] = {}
    for pid in fs.pids():
        try:
            fds = fs.listdir(f"{pid}/fd")
            comm = fs.read(f"{pid}/comm").strip()
        except ProcFSError:
            continue
        for fd in fds:
            try:
                target = fs.readlink(f"{pid}/fd/{fd}")
            except ProcFSError:
                continue
            if target.startswith("socket:[") and target.endswith("]"):
                owners.setdefault(int(target[8:-1]), (pid, comm))
    return owners


def netstat(fs: ProcFS, request: machine_pb2.NetstatRequest) -> list[machine_pb2.ConnectRecord]:
    wanted = [p for p in PROTOCOLS if getattr(request.l4proto, p)] or list(DEFAULT_PROTOCOLS)
    records: list[machine_pb2.ConnectRecord] = []
    for proto in wanted:
        try:
            text = fs.read(f"net/{proto}")
        except ProcFSError:
            continue  # protocol not built into this kernel
        records += parse_sockets(proto, text)
    if request.filter == machine_pb2.NetstatRequest.LISTENING:
        records = [r for r in records if r.state == LISTEN]
    elif request.filter == machine_pb2.NetstatRequest.CONNECTED:
        records = [r for r in records if r.state != LISTEN]
    if request.feature.pid:
        owners = socket_owners(fs)
        for record in records:
            if record.inode in owners:
                pid, name = owners[record.inode]
                record.process.pid, record.process.name = pid, name
    return records


class NetstatApi:
    """``Netstat`` (mixin of ``MachineApi``); reads the same :attr:`procfs` as :class:`.ObserveApi`."""

    procfs: ProcFS = HostProcFS()

    async def Netstat(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ROLES)
        request = await stream.recv_message()
        assert request is not None
        records = await proc_call(lambda: netstat(self.procfs, request), "netstat")
        reply = machine_pb2.Netstat(metadata=meta(self), connectrecord=records)
        await stream.send_message(machine_pb2.NetstatResponse(messages=[reply]))


__all__ = ["NetstatApi", "decode_address", "netstat", "parse_sockets", "socket_owners"]
