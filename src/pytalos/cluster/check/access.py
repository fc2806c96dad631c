"""What the health checks need from each node, as a small Protocol (the edge of :mod:`.check`).

Talos's checks call the Machine API through a ``client.Client`` with ``node`` metadata; here every
call the checks make is one method of :class:`NodeAccess` taking the node it is about, and answering
plain dataclasses rather than protobuf messages, so that the checks are unit-tested against
:class:`~.fake.FakeNodeAccess` and run for real over gRPC (:mod:`.grpc_access`: talosctl through a
talosconfig endpoint, machined through its local apid). A failed call raises :class:`AccessError`
carrying grpc-go's text (``rpc error: code = Unavailable desc = …``) and the code name, which some
checks look at (``PermissionDenied`` = the node does not serve that resource type).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class AccessError(Exception):
    """A call to a node failed; ``code`` is grpc-go's code name (``Unavailable``, ``NotFound``, …)."""

    def __init__(self, message: str, code: str = "Unknown") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class NodeVersion:
    """``MachineService.Version``: the node's hostname, tag and platform mode."""

    hostname: str
    tag: str = ""
    platform_mode: str = ""


@dataclass(frozen=True)
class ServiceStatus:
    """One entry of ``MachineService.ServiceList``: state, health and the last event's message."""

    id: str
    state: str
    healthy: bool = False
    health_unknown: bool = True
    health_message: str = ""
    last_event: str = ""
    last_event_state: str = ""


@dataclass(frozen=True)
class EtcdMember:
    """One member of ``MachineService.EtcdMemberList``."""

    id: int
    hostname: str
    peer_urls: tuple[str, ...] = ()
    client_urls: tuple[str, ...] = ()
    is_learner: bool = False


@dataclass(frozen=True)
class MountStat:
    """One entry of ``MachineService.Mounts`` (bytes)."""

    filesystem: str
    mounted_on: str
    size: int
    available: int


@dataclass(frozen=True)
class ResourceData:
    """A COSI resource as a check reads it: id and the spec decoded from its YAML."""

    id: str
    spec: Any = None
    labels: dict[str, str] = field(default_factory=dict)


class NodeAccess(Protocol):
    """The node calls the checks make (see the module docstring); ``node`` is an address."""

    async def version(self, node: str) -> NodeVersion: ...

    async def services(self, node: str) -> list[ServiceStatus]: ...

    async def etcd_members(self, node: str) -> list[EtcdMember]: ...

    async def memory_total(self, node: str) -> int:
        """``MemTotal`` in bytes."""
        ...

    async def mounts(self, node: str) -> list[MountStat]: ...

    async def disk_usage(self, node: str, path: str) -> int:
        """The recursive size in bytes of the node path ``path`` (``MachineService.DiskUsage``)."""
        ...

    async def get_resource(self, node: str, namespace: str, type: str, id: str) -> ResourceData | None:
        """COSI ``State.Get``; ``None`` when the resource does not exist (``NotFound``)."""
        ...

    async def list_resources(self, node: str, namespace: str, type: str) -> list[ResourceData]: ...

    async def close(self) -> None: ...
