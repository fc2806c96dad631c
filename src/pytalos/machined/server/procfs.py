"""The node's kernel views (``/proc``, ``statvfs``) behind a small Protocol, and their parsers.

The Machine API's read methods (``Memory``, ``Processes``, ``Mounts``, ``Netstat``, …) report what the
kernel says about the node. A pytalos node is machined's process tree in its own network namespace, so
``/proc`` read by machined *is* the node's view: ``/proc/net/*`` are the node's netns, processes and
mounts are those machined sees. :class:`ProcFS` is the edge (:class:`HostProcFS` reads the real
files; unit tests give a :class:`FakeProcFS` holding file texts); every parser here is a pure function
of a file's text, shaped like the fields of Talos's messages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


class ProcFSError(OSError):
    """A ``/proc`` file could not be read or parsed (the message names the file)."""


class ProcFS(Protocol):
    """Reads under ``/proc`` (paths relative to it: ``meminfo``, ``123/stat``, ``net/tcp``)."""

    def read(self, path: str) -> str: ...

    def pids(self) -> list[int]: ...

    def readlink(self, path: str) -> str: ...

    def listdir(self, path: str) -> list[str]: ...

    def statvfs(self, mount_point: str) -> tuple[int, int]:
        """(size, available) in bytes of the filesystem mounted at ``mount_point``."""
        ...

    @property
    def clock_ticks(self) -> int: ...

    @property
    def page_size(self) -> int: ...


class HostProcFS:
    """The real ``/proc`` of machined's process (the node's network namespace)."""

    def __init__(self, root: str = "/proc") -> None:
        self.root = root

    def read(self, path: str) -> str:
        full = os.path.join(self.root, path)
        try:
            with open(full, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError as err:
            raise ProcFSError(err.errno, f"reading {full}: {err.strerror}") from err

    def pids(self) -> list[int]:
        return sorted(int(name) for name in os.listdir(self.root) if name.isdigit())

    def readlink(self, path: str) -> str:
        full = os.path.join(self.root, path)
        try:
            return os.readlink(full)
        except OSError as err:
            raise ProcFSError(err.errno, f"reading link {full}: {err.strerror}") from err

    def listdir(self, path: str) -> list[str]:
        full = os.path.join(self.root, path)
        try:
            return os.listdir(full)
        except OSError as err:
            raise ProcFSError(err.errno, f"listing {full}: {err.strerror}") from err

    def statvfs(self, mount_point: str) -> tuple[int, int]:
        try:
            st = os.statvfs(mount_point)
        except OSError as err:
            raise ProcFSError(err.errno, f"statfs {mount_point}: {err.strerror}") from err
        return st.f_blocks * st.f_frsize, st.f_bavail * st.f_frsize

    @property
    def clock_ticks(self) -> int:
        return os.sysconf("SC_CLK_TCK")

    @property
    def page_size(self) -> int:
        return os.sysconf("SC_PAGE_SIZE")


@dataclass
class FakeProcFS:
    """A ``/proc`` of fixed texts for unit tests (also used by the talosctl round-trip tests)."""

    files: dict[str, str] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    filesystems: dict[str, tuple[int, int]] = field(default_factory=dict)
    clock_ticks: int = 100
    page_size: int = 4096

    def read(self, path: str) -> str:
        try:
            return self.files[path]
        except KeyError:
            raise ProcFSError(2, f"reading /proc/{path}: No such file or directory") from None

    def pids(self) -> list[int]:
        return sorted({int(p.split("/")[0]) for p in self.files if p.split("/")[0].isdigit()})

    def readlink(self, path: str) -> str:
        try:
            return self.links[path]
        except KeyError:
            raise ProcFSError(2, f"reading link /proc/{path}: No such file or directory") from None

    def listdir(self, path: str) -> list[str]:
        prefix = path.rstrip("/") + "/"
        names = sorted(
            {p[len(prefix) :].split("/")[0] for p in [*self.files, *self.links] if p.startswith(prefix)}
        )
        if not names:
            raise ProcFSError(2, f"listing /proc/{path}: No such file or directory")
        return names

    def statvfs(self, mount_point: str) -> tuple[int, int]:
        try:
            return self.filesystems[mount_point]
        except KeyError:
            raise ProcFSError(2, f"statfs {mount_point}: No such file or directory") from None


# --- parsers ----------------------------------------------------------------------------------------


def _unescape_octal(text: str) -> str:
    """Mount fields escape space, tab, newline and backslash as ``\\040`` & co."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def parse_meminfo(text: str) -> dict[str, int]:
    """``/proc/meminfo`` → {field name lowercased without ``(``/``)``/``_``: value in kB (or pages)}."""
    out: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        value = rest.split()
        if name and value:
            key = name.replace("(", "").replace(")", "").replace("_", "").lower()
            out[key] = int(value[0])
    return out


@dataclass(frozen=True)
class Mount:
    device: str
    mount_point: str
    fstype: str


def parse_mountinfo(text: str) -> list[Mount]:
    """``/proc/<pid>/mountinfo``: mount point (field 5) and, after ``-``, type and source."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        sep = fields.index("-")
        if len(fields) < sep + 3 or sep < 5:
            continue
        mounts.append(Mount(_unescape_octal(fields[sep + 2]), _unescape_octal(fields[4]), fields[sep + 1]))
    return mounts


@dataclass(frozen=True)
class ProcStat:
    """The fields of ``/proc/<pid>/stat`` Talos reports (times in clock ticks, rss in pages)."""

    pid: int
    comm: str
    state: str
    ppid: int
    utime: int
    stime: int
    threads: int
    vsize: int
    rss: int


def parse_pid_stat(text: str) -> ProcStat:
    """``/proc/<pid>/stat``; ``comm`` is between the first ``(`` and the *last* ``)``."""
    head, _, tail = text.rpartition(")")
    pid_text, _, comm = head.partition("(")
    rest = tail.split()
    if len(rest) < 22:
        raise ValueError(f"short /proc/<pid>/stat line: {text[:80]!r}")
    return ProcStat(
        pid=int(pid_text),
        comm=comm,
        state=rest[0],
        ppid=int(rest[1]),
        utime=int(rest[11]),
        stime=int(rest[12]),
        threads=int(rest[17]),
        vsize=int(rest[20]),
        rss=int(rest[21]),
    )


def parse_loadavg(text: str) -> tuple[float, float, float]:
    fields = text.split()
    return float(fields[0]), float(fields[1]), float(fields[2])


_CPU_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "soft_irq", "steal", "guest", "guest_nice")
_SOFTIRQ_FIELDS = (
    "hi",
    "timer",
    "net_tx",
    "net_rx",
    "block",
    "block_io_poll",
    "tasklet",
    "sched",
    "hrtimer",
    "rcu",
)


@dataclass
class SystemStat:
    """``/proc/stat``; CPU times in seconds (ticks / USER_HZ), as Talos's ``CPUStat``."""

    boot_time: int = 0
    cpu_total: dict[str, float] = field(default_factory=dict)
    cpu: list[dict[str, float]] = field(default_factory=list)
    irq_total: int = 0
    irq: list[int] = field(default_factory=list)
    context_switches: int = 0
    process_created: int = 0
    process_running: int = 0
    process_blocked: int = 0
    soft_irq_total: int = 0
    soft_irq: dict[str, int] = field(default_factory=dict)


def parse_stat(text: str, clock_ticks: int = 100) -> SystemStat:
    out = SystemStat()
    for line in text.splitlines():
        fields = line.split()
        if not fields:
            continue
        key, values = fields[0], fields[1:]
        if key.startswith("cpu"):
            times = {name: int(v) / clock_ticks for name, v in zip(_CPU_FIELDS, values, strict=False)}
            if key == "cpu":
                out.cpu_total = times
            else:
                out.cpu.append(times)
        elif key == "intr":
            out.irq_total, out.irq = int(values[0]), [int(v) for v in values[1:]]
        elif key == "ctxt":
            out.context_switches = int(values[0])
        elif key == "btime":
            out.boot_time = int(values[0])
        elif key == "processes":
            out.process_created = int(values[0])
        elif key == "procs_running":
            out.process_running = int(values[0])
        elif key == "procs_blocked":
            out.process_blocked = int(values[0])
        elif key == "softirq":
            out.soft_irq_total = int(values[0])
            out.soft_irq = {n: int(v) for n, v in zip(_SOFTIRQ_FIELDS, values[1:], strict=False)}
    return out


def parse_cpuinfo(text: str) -> list[dict[str, str]]:
    """``/proc/cpuinfo``: one mapping of ``key: value`` per processor block."""
    cpus: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                cpus.append(current)
                current = {}
            continue
        key, _, value = line.partition(":")
        current[key.strip()] = value.strip()
    if current:
        cpus.append(current)
    return cpus


def parse_net_dev(text: str) -> list[tuple[str, list[int]]]:
    """``/proc/net/dev``: (interface, its 16 counters: 8 receive then 8 transmit)."""
    devices = []
    for line in text.splitlines()[2:]:
        name, _, counters = line.partition(":")
        values = [int(v) for v in counters.split()]
        if name.strip() and len(values) >= 16:
            devices.append((name.strip(), values[:16]))
    return devices


def parse_diskstats(text: str) -> list[tuple[str, list[int]]]:
    """``/proc/diskstats``: (device name, its counters after the name; 11 on old kernels, up to 17)."""
    disks = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 14:
            disks.append((fields[2], [int(v) for v in fields[3:]]))
    return disks


def proc_args(cmdline: str) -> str:
    """``/proc/<pid>/cmdline`` (NUL-separated) as Talos's ``ProcessInfo.args``: space-joined."""
    return " ".join(part for part in cmdline.split("\0") if part)


def meminfo_fields(values: Mapping[str, int], names: tuple[str, ...]) -> dict[str, int]:
    """The ``MemInfo`` message fields present in ``values`` (missing ones are left 0)."""
    return {name: values[name] for name in names if name in values}
