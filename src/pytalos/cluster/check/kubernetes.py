"""The Kubernetes checks of Talos's ``DefaultClusterChecks`` (``kubernetes.go``), as far as pytalos goes.

Talos asks the Kubernetes API (nodes, static pods, control-plane components, kube-proxy, CoreDNS).
No pytalos node runs a kubelet today (no Kubernetes images are obtainable, kubelet ends
``Skipped``), so there is no API to ask: every check here is skipped with that reason -- the kubelet
service's own message on each node. Should a kubelet run, the check fails saying these checks are
not implemented yet rather than passing unseen. ``--k8s-endpoint`` only shows up in that message.
"""

from __future__ import annotations

from .access import NodeAccess
from .conditions import Assertion, CheckError, SkipCheck, on_all_nodes
from .info import ClusterInfo
from .service import skipped_everywhere


def kubernetes_assertion(k8s_endpoint: str = "") -> Assertion:
    async def assertion(access: NodeAccess, info: ClusterInfo) -> None:
        answers = await on_all_nodes(info.nodes, access.services)
        reason = skipped_everywhere(answers, "kubelet")
        if reason is not None:
            raise SkipCheck(f"no Kubernetes API to ask: {reason}")
        endpoint = f" (Kubernetes endpoint {k8s_endpoint})" if k8s_endpoint else ""
        raise CheckError(f"Kubernetes checks are not implemented in pytalos yet{endpoint}: a kubelet runs")

    return assertion
