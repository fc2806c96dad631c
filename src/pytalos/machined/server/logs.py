"""``MachineService.Logs`` and ``Dmesg`` (``talosctl logs SERVICE [-f] [--tail N]``, ``talosctl dmesg``).

Logs streams ``common.Data`` chunks of a service's log: a service machined supervises is read from its
:class:`~pytalos.machined.system.logs.ServiceLog` (ring + file); any other id with a log file in the
node's ``/var/log`` -- ``machined`` itself (``machined.log``, written by its logging handler), ``audit``
(``audit.log``: apid's audit log of every API call, ``talosctl logs audit``), or a service of an
earlier boot -- is read from that file, and followed by polling it. ``tail_lines`` < 0
sends the whole log, ``n`` >= 0 only its last ``n`` lines (Talos's meaning; talosctl sends -1 unless
``--tail``). Dmesg streams the kernel log (:mod:`.kmsg`), from the oldest record kept or, with
``tail``, only new ones; without ``follow`` it ends once everything logged so far was sent.
Both need ``os:admin``, ``os:operator`` or ``os:reader``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2

from .kmsg import HostKmsg, Kmsg, boot_time, format_record, parse_record
from .observe import check_roles, node_part

_ROLES = frozenset({"os:admin", "os:operator", "os:reader"})
CHUNK = 64 << 10
#: how often a followed log file is checked for growth
POLL_INTERVAL = 0.2


def tail_offset(path: Path, lines: int) -> int:
    """Offset in ``path`` where its last ``lines`` lines begin (read backwards in chunks; a final
    newline does not start an empty line)."""
    with open(path, "rb") as f:
        end = f.seek(0, os.SEEK_END)
        if lines <= 0 or end == 0:
            return end
        f.seek(end - 1)
        pos = end - 1 if f.read(1) == b"\n" else end
        found = 0
        while pos > 0:
            start = max(0, pos - CHUNK)
            f.seek(start)
            block = f.read(pos - start)
            index = len(block)
            while (index := block.rfind(b"\n", 0, index)) >= 0:
                found += 1
                if found == lines:
                    return start + index + 1
            pos = start
        return 0


async def read_log_file(path: Path, tail: int | None, follow: bool) -> AsyncIterator[bytes]:
    """``path`` from its start (or last ``tail`` lines), then what is appended while ``follow``.

    A file that shrinks (rotated or truncated) is read again from its start."""
    offset = 0 if tail is None else await asyncio.to_thread(tail_offset, path, tail)
    while True:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size < offset:
            offset = 0
        if size > offset:
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read(min(size - offset, CHUNK))
            offset += len(data)
            yield data
            continue
        if not follow:
            return
        await asyncio.sleep(POLL_INTERVAL)


class LogsApi:
    """``Logs`` and ``Dmesg`` (mixin of ``MachineApi``); :attr:`kmsg` is replaceable in tests."""

    kmsg: Kmsg = HostKmsg()

    def _log_source(self, service_id: str, tail: int | None, follow: bool) -> AsyncIterator[bytes]:
        if not service_id or "/" in service_id or service_id in (".", ".."):
            raise GRPCError(Status.INVALID_ARGUMENT, f"invalid service id {service_id!r}")
        logs = node_part(self, "logs", "service logs")
        services = node_part(self, "service_list", "services")
        if service_id in {s.id for s in services()}:
            reader: AsyncIterator[bytes] = logs.get(service_id).read(tail=tail, follow=follow)
            return reader
        log_dir = getattr(logs, "log_dir", None)
        path = Path(log_dir) / f"{service_id}.log" if log_dir is not None else None
        if path is None or not path.is_file():
            where = f" (no {path})" if path is not None else ""
            raise GRPCError(Status.NOT_FOUND, f'log "{service_id}" was not found{where}')
        return read_log_file(path, tail, follow)

    async def Logs(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ROLES)
        request = await stream.recv_message()
        assert request is not None
        if request.namespace == "k8s.io":
            raise GRPCError(
                Status.NOT_FOUND, "Kubernetes containers are not available: this node runs no kubelet"
            )
        tail = request.tail_lines if request.tail_lines >= 0 else None
        source = self._log_source(request.id, tail, request.follow)
        try:
            async for chunk in source:
                for start in range(0, len(chunk), CHUNK):
                    await stream.send_message(common_pb2.Data(bytes=chunk[start : start + CHUNK]))
        except OSError as err:
            raise GRPCError(Status.INTERNAL, f"reading log {request.id!r}: {err}") from None

    async def Dmesg(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ROLES)
        request = await stream.recv_message()
        assert request is not None
        try:
            reader = self.kmsg.open(from_end=request.tail)
        except OSError as err:
            raise GRPCError(Status.INTERNAL, str(err)) from None
        booted = boot_time()
        try:
            while True:
                try:
                    record = reader.read()
                except OSError as err:
                    await stream.send_message(common_pb2.Data(metadata=common_pb2.Metadata(error=str(err))))
                    return
                if record is None:
                    if not request.follow:
                        return
                    await reader.wait()
                    continue
                try:
                    line = format_record(parse_record(record, booted))
                except ValueError as err:
                    await stream.send_message(common_pb2.Data(metadata=common_pb2.Metadata(error=str(err))))
                    continue
                await stream.send_message(common_pb2.Data(bytes=line.encode()))
        finally:
            reader.close()
