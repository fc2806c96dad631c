"""Machine API read methods over the node's kernel views: Hostname, Memory, Mounts, Processes, LoadAvg,
SystemStat, CPUInfo, NetworkDeviceStats and DiskStats (``talosctl memory|mounts|processes|…``).

:class:`ObserveApi` is a mixin of :class:`~.machine.MachineApi`: it reads machined through the API
object's ``node`` (only ``hostname()`` here) and the kernel through :attr:`ObserveApi.procfs`
(:class:`~.procfs.HostProcFS` unless a test sets another :class:`~.procfs.ProcFS` on the instance).
Every method needs ``os:admin``, ``os:operator`` or ``os:reader`` (Talos's rules for reads) and
answers one message carrying the node's hostname, like Talos.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from . import procfs as pfs
from .procfs import HostProcFS, ProcFS, ProcFSError

T = TypeVar("T")

_ROLES = frozenset({"os:admin", "os:operator", "os:reader"})

_MEMINFO_FIELDS = tuple(machine_pb2.MemInfo.DESCRIPTOR.fields_by_name)
_CPUINFO_KEYS = {
    "processor": "processor",
    "vendor_id": "vendor_id",
    "cpu family": "cpu_family",
    "model": "model",
    "model name": "model_name",
    "stepping": "stepping",
    "microcode": "microcode",
    "cpu MHz": "cpu_mhz",
    "cache size": "cache_size",
    "physical id": "physical_id",
    "siblings": "siblings",
    "core id": "core_id",
    "cpu cores": "cpu_cores",
    "apicid": "apic_id",
    "initial apicid": "initial_apic_id",
    "fpu": "fpu",
    "fpu_exception": "fpu_exception",
    "cpuid level": "cpu_id_level",
    "wp": "wp",
    "flags": "flags",
    "bugs": "bugs",
    "bogomips": "bogo_mips",
    "clflush size": "cl_flush_size",
    "cache_alignment": "cache_alignment",
    "address sizes": "address_sizes",
    "power management": "power_management",
}
_NETDEV_FIELDS = tuple(f for f in machine_pb2.NetDev.DESCRIPTOR.fields_by_name if f != "name")
_DISKSTAT_FIELDS = tuple(f for f in machine_pb2.DiskStat.DESCRIPTOR.fields_by_name if f != "name")


def node_hostname(api: object) -> str:
    """The hostname for reply metadata, from the API object's ``node``."""
    node = getattr(api, "node", None)
    return str(node.hostname()) if node is not None else ""


def node_part(api: object, name: str, what: str) -> Any:
    """``api.node.<name>``, or ``Unimplemented`` naming what the node does not expose."""
    found = getattr(getattr(api, "node", None), name, None)
    if found is None:
        raise GRPCError(Status.UNIMPLEMENTED, f"this node does not expose {what}")
    return found


def check_roles(stream: Stream[Any, Any], allowed: frozenset[str]) -> None:
    """``authorize`` from :mod:`.machine`, imported late: that module imports this one."""
    from .machine import authorize

    authorize(stream, allowed)


def meta(api: object) -> Any:
    from .convert import metadata

    return metadata(node_hostname(api))


async def proc_call(read: Callable[[], T], what: str) -> T:
    """Run a ``/proc`` read off the event loop; failures are ``Internal`` with the file and cause."""
    try:
        return await asyncio.to_thread(read)
    except (ProcFSError, ValueError) as err:
        raise GRPCError(Status.INTERNAL, f"{what}: {err}") from None


class ObserveApi:
    """The MachineService read methods of the module docstring (mixin of ``MachineApi``)."""

    procfs: ProcFS = HostProcFS()

    async def _unary(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ROLES)
        await stream.recv_message()

    async def Hostname(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        reply = machine_pb2.Hostname(metadata=meta(self), hostname=node_hostname(self))
        await stream.send_message(machine_pb2.HostnameResponse(messages=[reply]))

    async def Memory(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        values = await proc_call(lambda: pfs.parse_meminfo(self.procfs.read("meminfo")), "memory")
        info = machine_pb2.MemInfo(**pfs.meminfo_fields(values, _MEMINFO_FIELDS))
        await stream.send_message(
            machine_pb2.MemoryResponse(messages=[machine_pb2.Memory(metadata=meta(self), meminfo=info)])
        )

    async def Mounts(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        await stream.send_message(await proc_call(self._mounts, "mounts"))

    def _mounts(self) -> machine_pb2.MountsResponse:
        stats = []
        for mount in pfs.parse_mountinfo(self.procfs.read("self/mountinfo")):
            try:
                size, available = self.procfs.statvfs(mount.mount_point)
            except ProcFSError:
                continue  # gone, or not ours to stat (Talos skips those too)
            stats.append(
                machine_pb2.MountStat(
                    filesystem=mount.device, size=size, available=available, mounted_on=mount.mount_point
                )
            )
        return machine_pb2.MountsResponse(messages=[machine_pb2.Mounts(metadata=meta(self), stats=stats)])

    async def Processes(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        await stream.send_message(await proc_call(self._processes, "processes"))

    def _processes(self) -> machine_pb2.ProcessesResponse:
        fs = self.procfs
        processes = []
        for pid in fs.pids():
            try:  # a process may exit while it is read: skip it, as Talos's miniprocfs does
                stat = pfs.parse_pid_stat(fs.read(f"{pid}/stat"))
                args = pfs.proc_args(fs.read(f"{pid}/cmdline"))
            except ProcFSError:
                continue
            try:
                executable = fs.readlink(f"{pid}/exe")
            except ProcFSError:
                executable = ""  # kernel threads, or not permitted
            processes.append(
                machine_pb2.ProcessInfo(
                    pid=stat.pid,
                    ppid=stat.ppid,
                    state=stat.state,
                    threads=stat.threads,
                    cpu_time=(stat.utime + stat.stime) / fs.clock_ticks,
                    virtual_memory=stat.vsize,
                    resident_memory=stat.rss * fs.page_size,
                    command=stat.comm,
                    executable=executable,
                    args=args,
                )
            )
        return machine_pb2.ProcessesResponse(
            messages=[machine_pb2.Process(metadata=meta(self), processes=processes)]
        )

    async def LoadAvg(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        one, five, fifteen = await proc_call(
            lambda: pfs.parse_loadavg(self.procfs.read("loadavg")), "loadavg"
        )
        reply = machine_pb2.LoadAvg(metadata=meta(self), load1=one, load5=five, load15=fifteen)
        await stream.send_message(machine_pb2.LoadAvgResponse(messages=[reply]))

    async def SystemStat(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        st = await proc_call(
            lambda: pfs.parse_stat(self.procfs.read("stat"), self.procfs.clock_ticks), "stat"
        )
        reply = machine_pb2.SystemStat(
            metadata=meta(self),
            boot_time=st.boot_time,
            cpu_total=machine_pb2.CPUStat(**st.cpu_total),
            cpu=[machine_pb2.CPUStat(**c) for c in st.cpu],
            irq_total=st.irq_total,
            irq=st.irq,
            context_switches=st.context_switches,
            process_created=st.process_created,
            process_running=st.process_running,
            process_blocked=st.process_blocked,
            soft_irq_total=st.soft_irq_total,
            soft_irq=machine_pb2.SoftIRQStat(**st.soft_irq),
        )
        await stream.send_message(machine_pb2.SystemStatResponse(messages=[reply]))

    async def CPUInfo(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        cpus = await proc_call(lambda: pfs.parse_cpuinfo(self.procfs.read("cpuinfo")), "cpuinfo")
        infos = [cpu_info(c) for c in cpus]
        reply = machine_pb2.CPUsInfo(metadata=meta(self), cpu_info=infos)
        await stream.send_message(machine_pb2.CPUInfoResponse(messages=[reply]))

    async def NetworkDeviceStats(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        devices = await proc_call(lambda: pfs.parse_net_dev(self.procfs.read("net/dev")), "net/dev")
        devs = [machine_pb2.NetDev(name=n, **dict(zip(_NETDEV_FIELDS, v, strict=False))) for n, v in devices]
        total = machine_pb2.NetDev(
            name="total", **{f: sum(getattr(d, f) for d in devs) for f in _NETDEV_FIELDS}
        )
        reply = machine_pb2.NetworkDeviceStats(metadata=meta(self), total=total, devices=devs)
        await stream.send_message(machine_pb2.NetworkDeviceStatsResponse(messages=[reply]))

    async def DiskStats(self, stream: Stream[Any, Any]) -> None:
        await self._unary(stream)
        disks = await proc_call(lambda: pfs.parse_diskstats(self.procfs.read("diskstats")), "diskstats")
        devs = [
            machine_pb2.DiskStat(name=n, **dict(zip(_DISKSTAT_FIELDS, v, strict=False))) for n, v in disks
        ]
        total = machine_pb2.DiskStat(
            name="total", **{f: sum(getattr(d, f) for d in devs) for f in _DISKSTAT_FIELDS}
        )
        reply = machine_pb2.DiskStats(metadata=meta(self), total=total, devices=devs)
        await stream.send_message(machine_pb2.DiskStatsResponse(messages=[reply]))


def _number(text: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(text)
    except ValueError:
        return kind(0)


def cpu_info(values: dict[str, str]) -> machine_pb2.CPUInfo:
    """One ``/proc/cpuinfo`` block as ``machine.CPUInfo`` (numbers parsed, lists split on spaces)."""
    out = machine_pb2.CPUInfo()
    for key, name in _CPUINFO_KEYS.items():
        if key not in values:
            continue
        value = values[key]
        target = machine_pb2.CPUInfo.DESCRIPTOR.fields_by_name[name]
        if target.is_repeated:
            getattr(out, name).extend(value.split())
        elif target.type in (target.TYPE_UINT32, target.TYPE_UINT64, target.TYPE_INT32):
            setattr(out, name, int(_number(value.split()[0] if value else "0", int)))
        elif target.type in (target.TYPE_DOUBLE, target.TYPE_FLOAT):
            setattr(out, name, float(_number(value, float)))
        else:
            setattr(out, name, value)
    return out
