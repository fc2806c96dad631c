"""In-memory :class:`~.access.NodeAccess` for unit tests (a test double only; the product path uses
:mod:`.grpc_access`).

Tests fill per-node answers (``services[node] = [...]`` …); a node missing from a table answers
``Unavailable``; ``errors[(node, method)]`` makes that call raise; ``delays[node]`` makes every call
to the node sleep first (a node that does not answer in time); ``calls`` records every call.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TypeVar

from .access import AccessError, EtcdMember, MountStat, NodeVersion, ResourceData, ServiceStatus

T = TypeVar("T")


@dataclass
class FakeNodeAccess:
    versions: dict[str, NodeVersion] = field(default_factory=dict)
    services_by_node: dict[str, list[ServiceStatus]] = field(default_factory=dict)
    etcd: dict[str, list[EtcdMember]] = field(default_factory=dict)
    memory: dict[str, int] = field(default_factory=dict)
    mount_table: dict[str, list[MountStat]] = field(default_factory=dict)
    usage: dict[tuple[str, str], int] = field(default_factory=dict)
    #: (node, namespace, type) → resources
    resources: dict[tuple[str, str, str], list[ResourceData]] = field(default_factory=dict)
    #: (node, type) of resource types the node does not serve (PermissionDenied)
    unsupported: set[tuple[str, str]] = field(default_factory=set)
    errors: dict[tuple[str, str], AccessError] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    closed: bool = False

    async def _answer(self, node: str, method: str, table: dict[str, T]) -> T:
        self.calls.append((node, method))
        if node in self.delays:
            await asyncio.sleep(self.delays[node])
        if (node, method) in self.errors:
            raise self.errors[(node, method)]
        if node not in table:
            raise AccessError(
                f"rpc error: code = Unavailable desc = connection error: dial {node}: no route", "Unavailable"
            )
        return table[node]

    async def version(self, node: str) -> NodeVersion:
        return await self._answer(node, "version", self.versions)

    async def services(self, node: str) -> list[ServiceStatus]:
        return await self._answer(node, "services", self.services_by_node)

    async def etcd_members(self, node: str) -> list[EtcdMember]:
        return await self._answer(node, "etcd_members", self.etcd)

    async def memory_total(self, node: str) -> int:
        return await self._answer(node, "memory_total", self.memory)

    async def mounts(self, node: str) -> list[MountStat]:
        return await self._answer(node, "mounts", self.mount_table)

    async def disk_usage(self, node: str, path: str) -> int:
        table = {n: v for (n, p), v in self.usage.items() if p == path}
        return await self._answer(node, "disk_usage", table)

    async def list_resources(self, node: str, namespace: str, type: str) -> list[ResourceData]:
        if (node, type) in self.unsupported:
            await self._answer(node, "list_resources", {node: None})
            raise AccessError(
                f'rpc error: code = PermissionDenied desc = resource type "{type}" is not supported',
                "PermissionDenied",
            )
        table = {n: list(v) for (n, ns, t), v in self.resources.items() if ns == namespace and t == type}
        if node in self.versions or node == "":
            table.setdefault(node, [])
        return await self._answer(node, "list_resources", table)

    async def get_resource(self, node: str, namespace: str, type: str, id: str) -> ResourceData | None:
        found = await self.list_resources(node, namespace, type)
        return next((r for r in found if r.id == id), None)

    async def close(self) -> None:
        self.closed = True
