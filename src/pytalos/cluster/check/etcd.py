"""etcd membership checks (Talos's ``etcd.go``).

``etcd members to be consistent across nodes``: every control plane lists the same members (same
name, id and learner flag); the first node (by address) is the reference, a difference names the
node and what it has. ``etcd members to be control plane nodes``: the host of every member's peer
URL is a control-plane address (asked of the first control plane; Talos asks the endpoint node).
"""

from __future__ import annotations

from .access import EtcdMember, NodeAccess
from .conditions import CheckError, on_all_nodes
from .info import ClusterInfo, peer_host, quoted


def _key(m: EtcdMember) -> tuple[str, int, bool]:
    return (m.hostname, m.id, m.is_learner)


async def etcd_consistent(access: NodeAccess, info: ClusterInfo) -> None:
    nodes = info.control_plane_nodes
    if not nodes:
        return
    answers = await on_all_nodes(nodes, access.etcd_members)
    ordered = sorted(answers)
    reference = {_key(m) for m in answers[ordered[0]]}
    if not reference:
        raise CheckError(f"{ordered[0]}: no etcd members")
    for node in ordered[1:]:
        members = answers[node]
        if len(members) != len(reference):
            expected = quoted(sorted(k[0] for k in reference))
            actual = quoted(sorted(m.hostname for m in members))
            raise CheckError(f"{node}: expected to have {expected} members, got {actual}")
        for m in members:
            if _key(m) not in reference:
                raise CheckError(f"{node}: found unexpected etcd member {m.hostname}")


async def etcd_control_plane(access: NodeAccess, info: ClusterInfo) -> None:
    nodes = info.control_plane_nodes
    if not nodes:
        return
    first = nodes[0]
    members = (await on_all_nodes([first], access.etcd_members))[first]
    member_ips = [peer_host(url) for m in members for url in m.peer_urls]
    outside = [ip for ip in member_ips if ip not in nodes]
    if outside:
        raise CheckError(
            f"etcd member ips {quoted(member_ips)} are not subset of control plane node ips {quoted(nodes)}"
        )
