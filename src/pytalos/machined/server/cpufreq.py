"""``MachineService.CPUFreqStats`` and ``LogsContainers``: two small node facts for the dashboard.

``CPUFreqStats`` is Talos's reading of ``/sys/devices/system/cpu/cpu*/cpufreq`` (procfs's
``SystemCpufreq``): per CPU with a ``cpufreq`` folder, in CPU order, ``cpuinfo_cur_freq``,
``cpuinfo_min_freq`` and ``cpuinfo_max_freq`` (kHz) and ``scaling_governor``; a CPU missing one of
the three frequencies gets an empty entry, as in Talos; no ``cpufreq`` at all (virtual machines,
containers) is an empty list. A pytalos node shares the host's kernel, so these are the host's CPUs.

``LogsContainers`` answers the ids of the logs machined registered (Talos's ``RegisteredLogs``):
every service that has written a log since machined started, which is what ``talosctl logs``
completes service names from.

Both need ``os:admin``, ``os:operator`` or ``os:reader``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, meta, node_part

_READ = frozenset({"os:admin", "os:operator", "os:reader"})
SYS_CPU = Path("/sys/devices/system/cpu")


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def cpu_freq_stats(cpu_root: Path = SYS_CPU) -> list[machine_pb2.CPUFreqStats]:
    """One entry per CPU that has ``cpufreq`` under ``cpu_root`` (see the module docstring)."""
    cpus = []
    for entry in cpu_root.glob("cpu[0-9]*"):
        match = re.fullmatch(r"cpu(\d+)", entry.name)
        if match and (entry / "cpufreq").is_dir():
            cpus.append((int(match.group(1)), entry / "cpufreq"))
    out = []
    for _, freq in sorted(cpus):
        values = [_read(freq / name) for name in ("cpuinfo_cur_freq", "cpuinfo_min_freq", "cpuinfo_max_freq")]
        if any(v is None or not v.isdigit() for v in values):
            out.append(machine_pb2.CPUFreqStats())
            continue
        current, minimum, maximum = (int(v) for v in values if v is not None)
        out.append(
            machine_pb2.CPUFreqStats(
                current_frequency=current,
                minimum_frequency=minimum,
                maximum_frequency=maximum,
                governor=_read(freq / "scaling_governor") or "",
            )
        )
    return out


class CPUFreqApi:
    """``CPUFreqStats`` and ``LogsContainers`` (mixin of ``MachineApi``); :attr:`cpu_root` is replaceable."""

    cpu_root: Path = SYS_CPU

    async def CPUFreqStats(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _READ)
        await stream.recv_message()
        reply = machine_pb2.CPUsFreqStats(metadata=meta(self), cpu_freq_stats=cpu_freq_stats(self.cpu_root))
        await stream.send_message(machine_pb2.CPUFreqStatsResponse(messages=[reply]))

    async def LogsContainers(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _READ)
        await stream.recv_message()
        logs = node_part(self, "logs", "service logs")
        reply = machine_pb2.LogsContainer(metadata=meta(self), ids=logs.registered())
        await stream.send_message(machine_pb2.LogsContainersResponse(messages=[reply]))
