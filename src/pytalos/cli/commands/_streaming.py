"""Shared pieces of the observability verbs: server-streaming calls to every node, sizes and times.

:func:`stream_nodes` is Talos's ``multiplex.StreamingViaFactory``: one stream per node, all running
concurrently, each message handed to a callback with its node as it arrives; a node that fails becomes
a :class:`~pytalos.cli.nodeclient.NodeError` and the others go on. :func:`unary_nodes` runs a unary
MachineService method the same way. :func:`humanize_bytes` is go-humanize's ``Bytes`` (SI units),
which talosctl uses for sizes.
"""

from __future__ import annotations

import asyncio
import math
import ssl
from collections.abc import Callable
from typing import Any

from google.protobuf.message import Message
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.gen.machine import machine_grpc
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    NodeError,
    NodeResult,
    fan_out,
    rpc_error_text,
    split_host_port,
)

#: a finite stream (no --follow) still gets a deadline, generous enough for big files
STREAM_TIMEOUT = 300.0


async def _stream_one(
    factory: ClientFactory,
    node: str,
    method: str,
    request: Message,
    on_message: Callable[[str, Any], None],
    timeout: float | None,
) -> NodeError | None:
    stub = machine_grpc.MachineServiceStub(factory.channel(node))
    try:
        async with getattr(stub, method).open(metadata=factory.metadata(node), timeout=timeout) as stream:
            await stream.send_message(request, end=True)
            async for message in stream:
                on_message(node, message)
    except (GRPCError, OSError, ssl.SSLError, TimeoutError, StreamTerminatedError) as err:
        host, port = split_host_port(node)
        return NodeError(node, rpc_error_text(err, f"{host}:{port}"))
    return None


async def stream_nodes(
    factory: ClientFactory,
    method: str,
    request: Message,
    on_message: Callable[[str, Any], None],
    follow: bool = False,
) -> list[NodeError]:
    """``method`` (a server-streaming MachineService method) on every node; the nodes' errors."""
    timeout = None if follow else STREAM_TIMEOUT
    results = await asyncio.gather(
        *(_stream_one(factory, n, method, request, on_message, timeout) for n in factory.nodes)
    )
    return [r for r in results if r is not None]


async def unary_nodes(factory: ClientFactory, method: str, request: Message) -> list[NodeResult[Any]]:
    """``method`` (a unary MachineService method) on every node, results in node order."""

    async def call(channel: Any, metadata: dict[str, str]) -> Any:
        stub = machine_grpc.MachineServiceStub(channel)
        return await getattr(stub, method)(request, timeout=CALL_TIMEOUT, metadata=metadata)

    return await fan_out(factory, call)


def humanize_bytes(size: int) -> str:
    """go-humanize ``Bytes``: ``0 B``, ``9 B``, ``83 MB``, ``1.2 GB``."""
    if size < 10:
        return f"{size} B"
    exponent = min(math.floor(math.log(size) / math.log(1000)), 6)
    suffix = ("B", "kB", "MB", "GB", "TB", "PB", "EB")[exponent]
    value = math.floor(size / 1000**exponent * 10 + 0.5) / 10
    return f"{value:.1f} {suffix}" if value < 10 else f"{value:.0f} {suffix}"


def go_file_mode_string(mode: int) -> str:
    """Go's ``os.FileMode.String()`` (``FileInfo.mode`` carries Go's bits): type letters then rwx."""
    letters = "dalTLDpSugct?"
    kind = "".join(c for i, c in enumerate(letters) if mode & (1 << (31 - i))) or "-"
    return kind + "".join(c if mode & (1 << (8 - i)) else "-" for i, c in enumerate("rwxrwxrwx"))
