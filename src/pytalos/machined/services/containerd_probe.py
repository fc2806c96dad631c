"""containerd's gRPC health check over its unix socket, on grpclib.

:class:`pytalos.machined.containerd.client.ContainerdClient` makes the same call with grpcio, which
alone adds about 20 MB to machined's memory; a worker (no etcd) needs grpcio for nothing else, so the
supervisor's periodic probe uses grpclib — already loaded for the Machine API — with a pass-through
codec. (The client module imports grpcio at load time, so not even its decoder is imported here.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from grpclib.client import Channel
from grpclib.const import Cardinality
from grpclib.encoding.base import CodecBase
from grpclib.exceptions import GRPCError, StreamTerminatedError

HEALTH_CHECK = "/grpc.health.v1.Health/Check"
SERVING = 1
_STATUS_NAMES = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}


class ContainerdHealthError(RuntimeError):
    """containerd did not answer, or answered something else than SERVING; names the socket."""


def health_status(reply: bytes) -> int:
    """``HealthCheckResponse.status``: the message is at most field 1 as a varint (0 when absent)."""
    if not reply:
        return 0
    if reply[0] != 0x08:  # field 1, wire type varint
        raise ContainerdHealthError(f"unexpected HealthCheckResponse {reply.hex()}")
    value, shift = 0, 0
    for byte in reply[1:]:
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
        shift += 7
    raise ContainerdHealthError(f"truncated HealthCheckResponse {reply.hex()}")


class RawCodec(CodecBase):
    """Messages are already-encoded protobuf bytes."""

    __content_subtype__ = "proto"

    def encode(self, message: Any, message_type: Any) -> bytes:
        return bytes(message)

    def decode(self, data: bytes, message_type: Any) -> Any:
        return data


async def check_serving(address: Path, timeout: float) -> None:
    """Raise :class:`ContainerdHealthError` unless containerd at ``address`` reports ``SERVING``."""
    if not address.exists():
        raise ContainerdHealthError(f"containerd at {address}: socket does not exist")
    channel = Channel(path=str(address), codec=RawCodec())
    try:
        async with channel.request(
            HEALTH_CHECK, Cardinality.UNARY_UNARY, bytes, bytes, timeout=timeout
        ) as stream:
            await stream.send_message(b"", end=True)
            reply = await stream.recv_message()
    except (GRPCError, StreamTerminatedError, OSError, TimeoutError) as err:
        raise ContainerdHealthError(f"containerd at {address}: {HEALTH_CHECK} failed: {err}") from err
    finally:
        channel.close()
    status = health_status(reply or b"")
    if status != SERVING:
        raise ContainerdHealthError(
            f"containerd at {address}: health status {_STATUS_NAMES.get(status, status)}"
        )
