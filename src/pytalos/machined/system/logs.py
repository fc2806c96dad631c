"""Per-service logs: what ``talosctl logs <service> [--tail N] [-f]`` reads.

Every service writes its output (a process's stdout and stderr, a coroutine's messages) to its
:class:`ServiceLog`: a bounded in-memory ring (reads and follows come from there, cheaply) and, when a
log directory is given, ``<logdir>/<service>.log`` appended and rotated to ``<service>.log.1`` at a
size. A log opened over an existing file starts with that file's tail in its ring, so logs survive a
machined restart.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol

DEFAULT_RING_BYTES = 1 << 20
DEFAULT_ROTATE_BYTES = 10 << 20


class LogWriter(Protocol):
    """Where a runner sends its workload's output."""

    def write(self, data: bytes) -> None: ...


class ServiceLog:
    """One service's log: ring buffer of the last ``ring_bytes`` bytes, plus an optional file.

    Positions are absolute byte offsets since the log was opened (the ring covers ``start..end``).
    When the ring is full it drops its oldest quarter at once (the bound is never exceeded).
    """

    def __init__(
        self,
        name: str,
        path: Path | None = None,
        ring_bytes: int = DEFAULT_RING_BYTES,
        rotate_bytes: int = DEFAULT_ROTATE_BYTES,
    ) -> None:
        if ring_bytes < 16:
            raise ValueError(f"log {name}: ring size must be at least 16 bytes, got {ring_bytes}")
        self.name = name
        self.path = path
        self._ring = bytearray()
        self._start = 0
        self._capacity = ring_bytes
        self._rotate_bytes = rotate_bytes
        self._changed = asyncio.Event()
        self._closed = False
        self._file: BinaryIO | None = None
        self._file_size = 0
        if path is not None:
            self._preload(path)
            self._open_file(path)

    # -- writing ---------------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if not data or self._closed:
            return
        self._append_ring(data)
        if self._file is not None and self.path is not None:
            if self._file_size > 0 and self._file_size + len(data) > self._rotate_bytes:
                self._rotate(self.path)
            try:
                self._file.write(data)
            except OSError as err:
                raise OSError(f"log {self.name}: writing {self.path}: {err.strerror}") from err
            self._file_size += len(data)
        self._wake()

    def _append_ring(self, data: bytes) -> None:
        if len(data) >= self._capacity:
            self._start += len(self._ring) + len(data) - self._capacity
            self._ring = bytearray(data[-self._capacity :])
            return
        self._ring += data
        if len(self._ring) > self._capacity:
            drop = len(self._ring) - self._capacity * 3 // 4
            del self._ring[:drop]
            self._start += drop

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _open_file(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(path, "ab", buffering=0)  # noqa: SIM115 - kept open for the log's life
        except OSError as err:
            raise OSError(f"log {self.name}: opening {path}: {err.strerror}") from err
        self._file_size = os.fstat(self._file.fileno()).st_size

    def _rotate(self, path: Path) -> None:
        assert self._file is not None
        self._file.close()
        try:
            os.replace(path, rotated_path(path))
        except OSError as err:
            raise OSError(f"log {self.name}: rotating {path}: {err.strerror}") from err
        self._open_file(path)

    def _preload(self, path: Path) -> None:
        """Fill the ring from the end of ``<name>.log.1`` + ``<name>.log`` left by an earlier run."""
        chunks: list[bytes] = []
        want = self._capacity
        for candidate in (path, rotated_path(path)):
            if want <= 0:
                break
            try:
                with open(candidate, "rb") as f:
                    size = f.seek(0, os.SEEK_END)
                    f.seek(max(0, size - want))
                    data = f.read(want)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as err:
                raise OSError(f"log {self.name}: reading {candidate}: {err.strerror}") from err
            chunks.insert(0, data)
            want -= len(data)
        preloaded = b"".join(chunks)
        if preloaded:
            self._ring = bytearray(preloaded)

    def close(self) -> None:
        """Stop accepting writes, close the file, end every follower."""
        self._closed = True
        if self._file is not None:
            self._file.close()
            self._file = None
        self._wake()

    # -- reading ---------------------------------------------------------------------------------

    @property
    def start(self) -> int:
        return self._start

    @property
    def end(self) -> int:
        return self._start + len(self._ring)

    def contents(self) -> bytes:
        """Everything the ring holds."""
        return bytes(self._ring)

    def tail_offset(self, lines: int) -> int:
        """Offset where the last ``lines`` lines begin (an unterminated last line counts as one)."""
        if lines <= 0:
            return self.end
        ring = self._ring
        pos = len(ring)
        if pos and ring[-1] == 0x0A:
            pos -= 1
        for _ in range(lines):
            newline = ring.rfind(b"\n", 0, pos)
            if newline < 0:
                return self._start
            pos = newline
        return self._start + pos + 1

    def read_from(self, offset: int) -> tuple[bytes, int]:
        """Bytes from ``offset`` to the end (from the ring start if ``offset`` was dropped)."""
        offset = max(offset, self._start)
        return bytes(self._ring[offset - self._start :]), self.end

    async def read(self, tail: int | None = None, follow: bool = False) -> AsyncIterator[bytes]:
        """Yield the log (its last ``tail`` lines if given), then new output while ``follow``."""
        offset = self._start if tail is None else self.tail_offset(tail)
        while True:
            changed = self._changed
            data, offset = self.read_from(offset)
            if data:
                yield data
                continue
            if not follow or self._closed:
                return
            await changed.wait()


def rotated_path(path: Path) -> Path:
    return path.with_name(path.name + ".1")


class ServiceLogs:
    """The log of every service, created on first use (Talos's logging manager)."""

    def __init__(
        self,
        log_dir: Path | None = None,
        ring_bytes: int = DEFAULT_RING_BYTES,
        rotate_bytes: int = DEFAULT_ROTATE_BYTES,
    ) -> None:
        self.log_dir = log_dir
        self._ring_bytes = ring_bytes
        self._rotate_bytes = rotate_bytes
        self._logs: dict[str, ServiceLog] = {}

    def get(self, service_id: str) -> ServiceLog:
        log = self._logs.get(service_id)
        if log is None:
            if "/" in service_id or service_id in ("", ".", ".."):
                raise ValueError(f"invalid service id for a log file: {service_id!r}")
            path = None if self.log_dir is None else self.log_dir / f"{service_id}.log"
            log = ServiceLog(service_id, path, self._ring_bytes, self._rotate_bytes)
            self._logs[service_id] = log
        return log

    def registered(self) -> list[str]:
        """The ids of the logs created so far (Talos's ``RegisteredLogs``), sorted."""
        return sorted(self._logs)

    def close(self) -> None:
        for log in self._logs.values():
            log.close()
