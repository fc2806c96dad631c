"""``apid to be ready`` (Talos's ``apid.go``): every node answers ``Version`` through apid."""

from __future__ import annotations

from .access import NodeAccess
from .conditions import on_all_nodes
from .info import ClusterInfo


async def apid_ready(access: NodeAccess, info: ClusterInfo) -> None:
    await on_all_nodes(info.nodes, access.version)
