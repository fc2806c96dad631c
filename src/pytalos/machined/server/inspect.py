"""``inspect.InspectService``: the controller runtime's dependency graph (``talosctl inspect dependencies``).

Talos answers ``ControllerRuntimeDependencies`` with one message whose edges are every controller's
inputs and outputs, as the COSI runtime records them; talosctl draws the graph client-side. The
edges here come from :meth:`ControllerRuntime.dependencies`, in the controllers' registration order.
Readers, operators and admins may call it (Talos's rules table).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.inspect import inspect_pb2
from pytalos.machined.runtime import DependencyEdge, EdgeType

from .machine import READ_ROLES, authorize

_EDGE_TYPES = {
    EdgeType.OUTPUT_EXCLUSIVE: inspect_pb2.OUTPUT_EXCLUSIVE,
    EdgeType.OUTPUT_SHARED: inspect_pb2.OUTPUT_SHARED,
    EdgeType.INPUT_STRONG: inspect_pb2.INPUT_STRONG,
    EdgeType.INPUT_WEAK: inspect_pb2.INPUT_WEAK,
    EdgeType.INPUT_DESTROY_READY: inspect_pb2.INPUT_DESTROY_READY,
}


class DependencySource(Protocol):
    """The part of :class:`~pytalos.machined.runtime.ControllerRuntime` the service reads."""

    def dependencies(self) -> list[DependencyEdge]: ...


def dependencies_reply(
    hostname: str, edges: list[DependencyEdge]
) -> inspect_pb2.ControllerRuntimeDependenciesResponse:
    return inspect_pb2.ControllerRuntimeDependenciesResponse(
        messages=[
            inspect_pb2.ControllerRuntimeDependency(
                metadata=common_pb2.Metadata(hostname=hostname),
                edges=[
                    inspect_pb2.ControllerDependencyEdge(
                        controller_name=e.controller,
                        edge_type=_EDGE_TYPES[e.type],
                        resource_namespace=e.resource_namespace,
                        resource_type=e.resource_type,
                        resource_id=e.resource_id,
                    )
                    for e in edges
                ],
            )
        ]
    )


class InspectApi:
    """``InspectService.ControllerRuntimeDependencies`` from the running controller runtime."""

    def __init__(self, runtime: Callable[[], DependencySource | None], hostname: Callable[[], str]) -> None:
        self._runtime = runtime
        self._hostname = hostname

    async def ControllerRuntimeDependencies(self, stream: Stream[Any, Any]) -> None:
        authorize(stream, READ_ROLES)
        await stream.recv_message()
        runtime = self._runtime()
        if runtime is None:
            raise GRPCError(Status.UNAVAILABLE, "controller runtime is not running")
        await stream.send_message(dependencies_reply(self._hostname(), runtime.dependencies()))
