"""Is a containerd instance serving? containerd's own gRPC health service over its unix socket.

Talos's health check for both instances is the containerd client's ``IsServing``: a call to the
standard ``grpc.health.v1.Health/Check`` service on the instance's socket, healthy when the answer
is ``SERVING``. pytalos does the same call with ``grpcio`` (installed with ``etcd3aio``) rather than
spawning ``ctr version`` every few seconds: one process less per probe and a precise status. The
two messages involved are tiny, so they are encoded and decoded here by hand instead of shipping
generated protobuf modules: ``HealthCheckRequest{service=""}`` is the empty message and
``HealthCheckResponse`` is ``status`` (field 1, varint); ``Version.Version`` returns
``version`` (field 1) and ``revision`` (field 2) strings.
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass
from pathlib import Path

import grpc

HEALTH_CHECK = "/grpc.health.v1.Health/Check"
VERSION = "/containerd.services.version.v1.Version/Version"
DEFAULT_TIMEOUT = 5.0


class ContainerdHealthError(RuntimeError):
    """The instance did not answer or is not serving; the message names the socket."""


class ServingStatus(enum.IntEnum):
    """``grpc.health.v1.HealthCheckResponse.ServingStatus``."""

    UNKNOWN = 0
    SERVING = 1
    NOT_SERVING = 2
    SERVICE_UNKNOWN = 3


@dataclass(frozen=True)
class ContainerdVersion:
    version: str
    revision: str


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def decode_repeated(data: bytes) -> list[tuple[int, int | bytes]]:
    """Every top-level field of a protobuf message, in order (repeated fields kept; varint and
    length-delimited values, fixed-width ones skipped)."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((number, value))
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated length-delimited field")
            out.append((number, data[pos : pos + length]))
            pos += length
        elif wire == 5:
            pos += 4
        elif wire == 1:
            pos += 8
        else:
            raise ValueError(f"unsupported wire type {wire}")
    return out


def decode_fields(data: bytes) -> dict[int, int | bytes]:
    """Top-level fields of a protobuf message (varint and length-delimited; last value wins)."""
    return dict(decode_repeated(data))


def decode_health(data: bytes) -> ServingStatus:
    value = decode_fields(data).get(1, 0)
    if not isinstance(value, int):
        raise ValueError("HealthCheckResponse.status is not a varint")
    try:
        return ServingStatus(value)
    except ValueError:
        return ServingStatus.UNKNOWN


def decode_version(data: bytes) -> ContainerdVersion:
    fields = decode_fields(data)
    version, revision = fields.get(1, b""), fields.get(2, b"")
    if not isinstance(version, bytes) or not isinstance(revision, bytes):
        raise ValueError("VersionResponse fields are not strings")
    return ContainerdVersion(version.decode(), revision.decode())


class ContainerdClient:
    """Unary calls to a containerd socket; one channel per client (``async with``)."""

    def __init__(self, address: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.address = address
        self.timeout = timeout
        self._channel: grpc.aio.Channel | None = None

    async def __aenter__(self) -> ContainerdClient:
        self._channel = grpc.aio.insecure_channel(f"unix:{self.address}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None

    async def _unary(self, method: str, request: bytes) -> bytes:
        if self._channel is None:
            raise ContainerdHealthError(f"containerd at {self.address}: client is not open")
        if not self.address.exists():
            raise ContainerdHealthError(f"containerd at {self.address}: socket does not exist")
        call = self._channel.unary_unary(method)
        try:
            async with asyncio.timeout(self.timeout):
                response = await call(request, timeout=self.timeout)
        except TimeoutError:
            raise ContainerdHealthError(
                f"containerd at {self.address}: {method} timed out after {self.timeout:g}s"
            ) from None
        except grpc.aio.AioRpcError as exc:
            raise ContainerdHealthError(
                f"containerd at {self.address}: {method} failed: {exc.code().name}: {exc.details()}"
            ) from exc
        if not isinstance(response, bytes):  # pragma: no cover - no deserializer given
            raise ContainerdHealthError(f"containerd at {self.address}: unexpected {type(response).__name__}")
        return response

    async def serving_status(self) -> ServingStatus:
        """The status containerd's health service reports (``service=""``: the whole server)."""
        data = await self._unary(HEALTH_CHECK, b"")
        try:
            return decode_health(data)
        except ValueError as exc:
            raise ContainerdHealthError(f"containerd at {self.address}: bad health response: {exc}") from exc

    async def check(self) -> None:
        """Raise :class:`ContainerdHealthError` unless the instance is ``SERVING``."""
        status = await self.serving_status()
        if status is not ServingStatus.SERVING:
            raise ContainerdHealthError(f"containerd at {self.address}: health status {status.name}")

    async def version(self) -> ContainerdVersion:
        data = await self._unary(VERSION, b"")
        try:
            return decode_version(data)
        except ValueError as exc:
            raise ContainerdHealthError(f"containerd at {self.address}: bad version response: {exc}") from exc
