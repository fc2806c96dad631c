"""Where a request goes (Talos ``apid/pkg/director``): local machined, one node, or many nodes.

* metadata ``proxyfrom`` → local (another apid forwarded it here; prevents loops);
* ``nodes`` → one-to-many, only for the services Talos aggregates (else ``InvalidArgument``);
* ``node`` (exactly one value) → one-to-one;
* neither → local.

A node without a client certificate (a worker) cannot forward: ``PermissionDenied "no request
forwarding"``, unless the single target is the node itself, which is then served locally.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.authz import PROXY_FROM_METADATA_KEY

NODE_KEY = "node"
NODES_KEY = "nodes"

#: Talos's explicit list of services that support one-2-many proxying.
ONE_TO_MANY_PREFIXES = (
    "/machine.MachineService/",
    "/cluster.ClusterService/",
    "/inspect.InspectService/",
    "/storage.StorageService/",
    "/time.TimeService/",
)


class Kind(enum.Enum):
    LOCAL = "local"
    ONE = "one"
    MANY = "many"


@dataclass(frozen=True)
class Route:
    kind: Kind
    targets: tuple[str, ...] = ()


LOCAL = Route(Kind.LOCAL)


def route(method: str, metadata: Any, *, can_forward: bool, is_local: Callable[[str], bool]) -> Route:
    """The route for ``method`` given the request's ``metadata`` (a grpclib MultiDict)."""
    if PROXY_FROM_METADATA_KEY in metadata:
        return LOCAL
    nodes: Sequence[str] = [str(v) for v in metadata.getall(NODES_KEY, [])]
    node: Sequence[str] = [str(v) for v in metadata.getall(NODE_KEY, [])]
    if node and len(node) != 1:
        raise GRPCError(Status.INVALID_ARGUMENT, "node metadata must be single-valued")
    if not can_forward:
        if node and is_local(node[0]):
            node = []
        if len(nodes) == 1 and is_local(nodes[0]):
            nodes = []
    if nodes:
        if not method.startswith(ONE_TO_MANY_PREFIXES):
            raise GRPCError(
                Status.INVALID_ARGUMENT, f"one-2-many proxying is not supported for method {method}"
            )
        if not can_forward:
            raise GRPCError(Status.PERMISSION_DENIED, "no request forwarding")
        return Route(Kind.MANY, tuple(nodes))
    if node:
        if not can_forward:
            raise GRPCError(Status.PERMISSION_DENIED, "no request forwarding")
        return Route(Kind.ONE, (node[0],))
    return LOCAL
