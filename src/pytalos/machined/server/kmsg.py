"""The kernel log (``/dev/kmsg``) for ``MachineService.Dmesg``: a non-blocking reader and Talos's format.

Each ``read(2)`` of ``/dev/kmsg`` returns one record ``<prio>,<seq>,<usec since boot>,<flags>;<text>``
(continuation lines `` KEY=VALUE`` follow). Talos (``pkg/kmsg``) turns a record into facility
(``prio >> 3``), priority (``prio & 7``), a wall-clock timestamp (boot time + usec) and the text, and
machined sends each as ``<facility>: <priority right-aligned to 7>: [<RFC 3339 nano>]: <text>``.
Reading needs root (``CAP_SYSLOG``/``dmesg_restrict``); the device is shared by every node on the
machine, as the kernel is. :class:`Kmsg` is the edge; :class:`HostKmsg` opens the device.
"""

from __future__ import annotations

import asyncio
import errno
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

FACILITIES = (
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
)
PRIORITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")


class KmsgReader(Protocol):
    def read(self) -> bytes | None:
        """One record, or ``None`` when nothing more is available now."""
        ...

    async def wait(self) -> None:
        """Return once a record may be available."""
        ...

    def close(self) -> None: ...


class Kmsg(Protocol):
    def open(self, from_end: bool) -> KmsgReader:
        """A reader at the oldest record kept, or (``from_end``) only for records logged from now on."""
        ...


class HostKmsg:
    def __init__(self, path: str = "/dev/kmsg") -> None:
        self.path = path

    def open(self, from_end: bool) -> KmsgReader:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as err:
            raise OSError(err.errno, f"error opening {self.path} reader: {err.strerror}") from err
        if from_end:
            os.lseek(fd, 0, os.SEEK_END)
        return _FdReader(fd, self.path)


class _FdReader:
    def __init__(self, fd: int, path: str) -> None:
        self.fd = fd
        self.path = path

    def read(self) -> bytes | None:
        while True:
            try:
                return os.read(self.fd, 8192)
            except BlockingIOError:
                return None
            except OSError as err:
                if err.errno == errno.EPIPE:  # records overwritten before we read them: go on
                    continue
                raise OSError(err.errno, f"reading {self.path}: {err.strerror}") from err

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        ready = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(self.fd, wake)
        try:
            await ready
        finally:
            loop.remove_reader(self.fd)

    def close(self) -> None:
        os.close(self.fd)


@dataclass
class FakeKmsg:
    """Records in memory for tests; :meth:`log` appends one and wakes followers."""

    records: list[bytes] = field(default_factory=list)
    _changed: asyncio.Event | None = None

    def log(self, record: bytes) -> None:
        self.records.append(record)
        if self._changed is not None:
            self._changed.set()

    def open(self, from_end: bool) -> KmsgReader:
        return _FakeReader(self, len(self.records) if from_end else 0)


class _FakeReader:
    def __init__(self, source: FakeKmsg, position: int) -> None:
        self.source = source
        self.position = position

    def read(self) -> bytes | None:
        if self.position >= len(self.source.records):
            return None
        self.position += 1
        return self.source.records[self.position - 1]

    async def wait(self) -> None:
        changed = asyncio.Event()
        self.source._changed = changed
        await changed.wait()

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class KmsgRecord:
    facility: str
    priority: str
    seq: int
    timestamp: float
    message: str


def boot_time() -> float:
    """Wall-clock time of boot: now minus ``CLOCK_BOOTTIME`` (what kmsg timestamps count from)."""
    return time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)


def parse_record(record: bytes, booted: float) -> KmsgRecord:
    """One ``/dev/kmsg`` record (continuation lines dropped, as Talos does)."""
    text = record.decode("utf-8", errors="replace")
    head, sep, body = text.partition(";")
    fields = head.split(",")
    if not sep or len(fields) < 3:
        raise ValueError(f"malformed kmsg record {text[:60]!r}")
    prio, seq, usec = int(fields[0]), int(fields[1]), int(fields[2])
    facility = prio >> 3
    message = body.split("\n", 1)[0]
    return KmsgRecord(
        facility=FACILITIES[facility] if facility < len(FACILITIES) else str(facility),
        priority=PRIORITIES[prio & 7],
        seq=seq,
        timestamp=booted + usec / 1e6,
        message=message,
    )


def rfc3339_nano(timestamp: float) -> str:
    """Go's ``time.RFC3339Nano`` in UTC: fractional seconds with trailing zeros dropped."""
    nanos = round(timestamp * 1e9)
    seconds, frac = divmod(nanos, 1_000_000_000)
    base = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{frac:09d}".rstrip("0")
    return f"{base}{'.' + fraction if fraction else ''}Z"


def format_record(rec: KmsgRecord) -> str:
    """machined's dmesg line: ``%s: %7s: [%s]: %s``."""
    return f"{rec.facility}: {rec.priority:>7}: [{rfc3339_nano(rec.timestamp)}]: {rec.message}"
