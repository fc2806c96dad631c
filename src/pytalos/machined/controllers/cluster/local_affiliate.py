"""``cluster.LocalAffiliateController``: what this node publishes about itself, ``Affiliates/<nodeId>``.

Written when cluster discovery is enabled in the config (as Talos), from the node identity, the
FQDN, the routed addresses, the Kubernetes node name and the machine type. Affiliates of other nodes
come from discovery, which is not implemented yet; the output is shared so those controllers can
write theirs next to it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import cluster, k8s, network
from pytalos.machined.runtime import Input, InputKind, Output, OutputKind, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, MACHINE_TYPE_INPUT, config_view, get_spec, machine_type, put
from ..runtime.version import operating_system


class LocalAffiliateController(Reconciler):
    name = "cluster.LocalAffiliateController"

    def inputs(self) -> Sequence[Input]:
        return [
            MACHINE_CONFIG_INPUT,
            MACHINE_TYPE_INPUT,
            Input(cluster.NAMESPACE, cluster.IDENTITY_TYPE, cluster.LOCAL_IDENTITY_ID, InputKind.WEAK),
            Input(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, InputKind.WEAK),
            Input(
                network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ROUTED_ID, InputKind.WEAK
            ),
            Input(k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(cluster.AFFILIATE_TYPE, OutputKind.SHARED)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        rt.start_tracking_outputs()
        view = await config_view(rt)
        identity = await get_spec(rt, cluster.NAMESPACE, cluster.IDENTITY_TYPE, cluster.LOCAL_IDENTITY_ID)
        hostname = await get_spec(rt, network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID)
        routed = await get_spec(
            rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ROUTED_ID
        )
        nodename = await get_spec(rt, k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID)
        if view is not None and view.discovery_enabled and identity is not None and hostname is not None:
            spec = cluster.AffiliateSpec(
                node_id=identity.node_id,
                addresses=tuple(routed.ips()) if routed is not None else (),
                hostname=hostname.fqdn,
                nodename=nodename.nodename if nodename is not None else "",
                operating_system=operating_system(),
                machine_type=await machine_type(rt),
            )
            await put(rt, cluster.NAMESPACE, cluster.AFFILIATE_TYPE, identity.node_id, spec)
        await rt.cleanup_outputs(cluster.NAMESPACE, cluster.AFFILIATE_TYPE)
