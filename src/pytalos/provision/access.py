"""API steps of ``cluster create`` once the nodes run (Talos's ``pkg/cluster`` apply-config and
bootstrap): wait for a node's maintenance API, apply its config there, wait for the configured API
and bootstrap etcd on the first control plane.

The maintenance calls go over TLS without a client certificate and without verifying the server
(``talosctl apply-config --insecure``, :func:`~pytalos.cli.nodeclient.insecure_context`); the
configured calls use the new cluster's talosconfig context (mutual TLS, the OS CA verified,
:func:`~pytalos.cli.nodeclient.secure_context`). Every wait has a deadline and its error names the
node, the step and the last error seen; ``alive`` lets a wait stop at once when the node's machined
exited.

``Bootstrap`` is retried like Talos does (``FailedPrecondition`` -- "bootstrap is not available yet"
while the node boots --, ``DeadlineExceeded`` and unreachable nodes are expected while the node comes
up); any other answer, ``AlreadyExists`` included, is a ``bootstrap error`` naming the node.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from google.protobuf import empty_pb2
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.nodeclient import insecure_context, rpc_error_text, secure_context
from pytalos.machinery.client.config import Context

from . import ProvisionError

T = TypeVar("T")
API_PORT = 50000
RETRY_INTERVAL = 0.25
CALL_TIMEOUT = 5.0
#: Talos: maintenance apply retried for 2 minutes, the API awaited for 5 minutes.
MAINTENANCE_TIMEOUT = 120.0
API_TIMEOUT = 300.0

_TRANSIENT = (OSError, ssl.SSLError, TimeoutError, asyncio.TimeoutError, StreamTerminatedError)
_BOOTSTRAP_RETRY = {Status.FAILED_PRECONDITION, Status.DEADLINE_EXCEEDED, Status.UNAVAILABLE}


class AccessError(ProvisionError):
    """An API step failed on a node (the message names node, step and cause)."""


class _Retry(Exception):
    """An answer that means "not yet" (the text is kept as the last error)."""


@dataclass(frozen=True)
class Target:
    """A node as the API steps see it; ``alive()`` is false once its machined exited."""

    name: str
    ip: str
    alive: Callable[[], bool] = lambda: True
    log: str = ""

    def where(self) -> str:
        return f"node {self.name} ({self.ip})"

    def exited(self) -> str:
        """Why the node stopped, from the end of its machined log."""
        try:
            tail = Path(self.log).read_text(errors="replace").strip().splitlines()[-3:]
        except OSError:
            tail = []
        shown = " | ".join(line.strip() for line in tail)
        return f"machined is not running (log {self.log or 'unknown'}" + (f": {shown})" if shown else ")")


async def _until(
    target: Target, what: str, timeout: float, attempt: Callable[[], Awaitable[T]], dialled: str
) -> T:
    """Run the coroutine factory ``attempt`` until it returns; transient errors are retried."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last = "no attempt finished"
    while True:
        if not target.alive():
            raise AccessError(f"{target.where()}: {what}: {target.exited()}")
        try:
            return await attempt()
        except _Retry as exc:
            last = str(exc)
        except _TRANSIENT as exc:
            last = rpc_error_text(exc, dialled)
        if loop.time() >= deadline:
            raise AccessError(f"{target.where()}: {what}: not within {timeout:g}s, last error: {last}")
        await asyncio.sleep(RETRY_INTERVAL)


async def wait_maintenance(target: Target, timeout: float = MAINTENANCE_TIMEOUT) -> None:
    """Until the maintenance API answers (Talos's maintenance service answers ``Version`` with an
    error: any gRPC answer means the server is up)."""

    async def attempt() -> None:
        channel = Channel(target.ip, API_PORT, ssl=insecure_context())
        try:
            await machine_grpc.MachineServiceStub(channel).Version(empty_pb2.Empty(), timeout=CALL_TIMEOUT)
        except GRPCError:
            return
        finally:
            channel.close()

    await _until(target, "waiting for the maintenance API", timeout, attempt, f"{target.ip}:{API_PORT}")


async def apply_config(target: Target, data: bytes, timeout: float = MAINTENANCE_TIMEOUT) -> list[str]:
    """``ApplyConfiguration`` over the maintenance API; returns the node's warnings."""

    async def attempt() -> machine_pb2.ApplyConfigurationResponse:
        channel = Channel(target.ip, API_PORT, ssl=insecure_context())
        try:
            request = machine_pb2.ApplyConfigurationRequest(
                data=data, mode=machine_pb2.ApplyConfigurationRequest.AUTO
            )
            stub = machine_grpc.MachineServiceStub(channel)
            return await stub.ApplyConfiguration(request, timeout=CALL_TIMEOUT * 6)
        finally:
            channel.close()

    try:
        reply = await _until(target, "applying config", timeout, attempt, f"{target.ip}:{API_PORT}")
    except GRPCError as exc:
        raise AccessError(f"{target.where()}: applying config: {rpc_error_text(exc)}") from None
    return [w for message in reply.messages for w in message.warnings]


async def wait_api(target: Target, context: Context, timeout: float = API_TIMEOUT) -> None:
    """Until the configured node answers ``Version`` over mutual TLS."""
    ctx = secure_context(context)

    async def attempt() -> None:
        channel = Channel(target.ip, API_PORT, ssl=ctx)
        try:
            await machine_grpc.MachineServiceStub(channel).Version(empty_pb2.Empty(), timeout=CALL_TIMEOUT)
        except GRPCError as exc:
            raise _Retry(rpc_error_text(exc)) from None  # still starting
        finally:
            channel.close()

    await _until(target, "waiting for API", timeout, attempt, f"{target.ip}:{API_PORT}")


async def bootstrap(target: Target, context: Context, timeout: float = API_TIMEOUT) -> None:
    """``Bootstrap`` on ``target`` (the first control plane), retried as the module docstring says."""
    ctx = secure_context(context)

    async def attempt() -> None:
        channel = Channel(target.ip, API_PORT, ssl=ctx)
        try:
            stub = machine_grpc.MachineServiceStub(channel)
            await stub.Bootstrap(machine_pb2.BootstrapRequest(), timeout=CALL_TIMEOUT)
        except GRPCError as exc:
            if exc.status in _BOOTSTRAP_RETRY:
                raise _Retry(rpc_error_text(exc)) from None
            raise AccessError(f"{target.where()}: bootstrap error: {rpc_error_text(exc)}") from None
        finally:
            channel.close()

    return await _until(target, "bootstrapping cluster", timeout, attempt, f"{target.ip}:{API_PORT}")
