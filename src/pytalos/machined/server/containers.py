"""``MachineService.Containers`` and ``Stats``: the containers of the node's system containerd.

Talos lists a containerd namespace's containers with their running task (id, image, pid, status)
and, for ``Stats``, each task's cgroup memory and CPU usage. pytalos asks the node's real system
containerd (``system/run/containerd/containerd.sock``) with containerd's own CLI, ``ctr`` (``ctr -a
SOCKET -n NS containers ls``, ``tasks ls``, ``tasks metrics --format json ID``), rather than
generating containerd's gRPC API: it is installed with containerd, needs no generated code, and a
listing is a rare, interactive call. It sits behind the small :class:`ContainerRuntime` Protocol so
unit tests use a double. Containers without a task are skipped, as Talos's inspector does; system
containers are their own pod (``pod_id`` = id), which is what talosctl prints without a ``└─``.

The ``k8s.io`` namespace (``-k``, CRI driver) belongs to the CRI containerd instance, which this node
does not run (no kubelet): it answers ``NotFound`` saying so. Both methods need ``os:admin``,
``os:operator`` or ``os:reader``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, meta, node_part

_ROLES = frozenset({"os:admin", "os:operator", "os:reader"})
SYSTEM_NAMESPACE = "system"
K8S_NAMESPACE = "k8s.io"
CTR_TIMEOUT = 15.0


class ContainerRuntimeError(RuntimeError):
    """containerd could not be asked; the message names the socket, the command and the cause."""


@dataclass(frozen=True)
class TaskInfo:
    """A container with its task, as ``ctr containers ls`` + ``tasks ls`` show them."""

    id: str
    image: str
    pid: int
    status: str


@dataclass(frozen=True)
class TaskMetrics:
    memory_usage: int  # bytes
    cpu_usage: int  # nanoseconds


class ContainerRuntime(Protocol):
    """What the methods read from a containerd instance."""

    async def tasks(self, address: Path, namespace: str) -> list[TaskInfo]: ...

    async def metrics(self, address: Path, namespace: str, container_id: str) -> TaskMetrics: ...


def parse_table(text: str) -> list[list[str]]:
    """``ctr``'s tabwriter tables: the rows after the header, split on whitespace."""
    lines = [line for line in text.splitlines() if line.strip()]
    return [line.split() for line in lines[1:]]


def parse_metrics(text: str) -> TaskMetrics:
    """``ctr tasks metrics --format json``: cgroup v2 (``memory.usage``, ``cpu.usage_usec``) or v1
    (``memory.usage.usage``, ``cpu.usage.total`` in ns)."""
    data = json.loads(text)
    memory, cpu = data.get("memory") or {}, data.get("cpu") or {}
    usage = memory.get("usage", 0)
    if isinstance(usage, dict):  # cgroup v1
        mem = int(usage.get("usage", 0))
        total = (cpu.get("usage") or {}).get("total", 0)
        return TaskMetrics(mem, int(total))
    return TaskMetrics(int(usage or 0), int(cpu.get("usage_usec", 0)) * 1000)


class CtrCli:
    """:class:`ContainerRuntime` over the ``ctr`` command (see the module docstring)."""

    def __init__(self, binary: str = "ctr", timeout: float = CTR_TIMEOUT) -> None:
        self.binary = binary
        self.timeout = timeout

    async def _run(self, address: Path, namespace: str, *args: str) -> str:
        if not address.exists():
            raise ContainerRuntimeError(f"containerd at {address}: socket does not exist")
        command = [self.binary, "--address", str(address), "--namespace", namespace, *args]
        try:
            proc = await asyncio.create_subprocess_exec(
                *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
            )
        except OSError as err:
            raise ContainerRuntimeError(f"running {self.binary}: {err.strerror or err}") from err
        try:
            out, err_out = await asyncio.wait_for(proc.communicate(), self.timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            raise ContainerRuntimeError(
                f"containerd at {address}: {' '.join(args)} did not answer within {self.timeout:g}s"
            ) from None
        if proc.returncode != 0:
            reason = err_out.decode(errors="replace").strip() or f"exit status {proc.returncode}"
            raise ContainerRuntimeError(f"containerd at {address}: ctr {' '.join(args)}: {reason}")
        return out.decode(errors="replace")

    async def tasks(self, address: Path, namespace: str) -> list[TaskInfo]:
        containers = parse_table(await self._run(address, namespace, "containers", "ls"))
        tasks = {row[0]: row for row in parse_table(await self._run(address, namespace, "tasks", "ls"))}
        out = []
        for row in containers:
            task = tasks.get(row[0])
            if task is None or len(task) < 3:
                continue  # no task: skipped, like Talos
            image = row[1] if len(row) > 1 and row[1] != "-" else ""
            out.append(TaskInfo(row[0], image, int(task[1]) if task[1].isdigit() else 0, task[2]))
        return sorted(out, key=lambda t: t.id)

    async def metrics(self, address: Path, namespace: str, container_id: str) -> TaskMetrics:
        text = await self._run(address, namespace, "tasks", "metrics", "--format", "json", container_id)
        try:
            return parse_metrics(text)
        except (ValueError, TypeError, AttributeError) as err:
            raise ContainerRuntimeError(f"containerd at {address}: metrics of {container_id}: {err}") from err


def system_namespace(request: Any) -> str:
    """The containerd namespace a Containers/Stats/Restart request names; Kubernetes ones (``k8s.io``
    or the CRI driver) are ``NotFound``: this node runs no CRI containerd (no kubelet)."""
    namespace: str = request.namespace or SYSTEM_NAMESPACE
    if namespace == K8S_NAMESPACE or request.driver == common_pb2.CRI:
        raise GRPCError(
            Status.NOT_FOUND,
            "Kubernetes containers are not available: this node runs no CRI containerd (no kubelet)",
        )
    return namespace


class ContainersApi:
    """``Containers`` and ``Stats`` (mixin of ``MachineApi``); :attr:`containerd` is replaceable."""

    containerd: ContainerRuntime = CtrCli()

    async def _tasks(self, stream: Stream[Any, Any]) -> tuple[str, Path, list[TaskInfo]]:
        check_roles(stream, _ROLES)
        request = await stream.recv_message()
        assert request is not None
        namespace = system_namespace(request)
        layout = node_part(self, "layout", "its containerd")
        address: Path = layout.containerd.address
        try:
            return namespace, address, await self.containerd.tasks(address, namespace)
        except ContainerRuntimeError as err:
            raise GRPCError(Status.INTERNAL, str(err)) from None

    async def Containers(self, stream: Stream[Any, Any]) -> None:
        namespace, _, tasks = await self._tasks(stream)
        infos = [
            machine_pb2.ContainerInfo(
                namespace=namespace,
                id=t.id,
                internal_id=t.id,
                image=t.image,
                pid=t.pid,
                status=t.status,
                pod_id=t.id,
                name=t.id,
            )
            for t in tasks
        ]
        reply = machine_pb2.Container(metadata=meta(self), containers=infos)
        await stream.send_message(machine_pb2.ContainersResponse(messages=[reply]))

    async def Stats(self, stream: Stream[Any, Any]) -> None:
        namespace, address, tasks = await self._tasks(stream)
        stats = []
        for t in tasks:
            try:
                m = await self.containerd.metrics(address, namespace, t.id)
            except ContainerRuntimeError:
                continue  # the task ended between the listing and now
            stats.append(
                machine_pb2.Stat(
                    namespace=namespace,
                    id=t.id,
                    memory_usage=m.memory_usage,
                    cpu_usage=m.cpu_usage,
                    pod_id=t.id,
                    name=t.id,
                )
            )
        reply = machine_pb2.Stats(metadata=meta(self), stats=stats)
        await stream.send_message(machine_pb2.StatsResponse(messages=[reply]))
