"""``cluster.MemberController``: ``Members/<nodename>`` for every affiliate that has a node name.

Members are what ``talosctl get members`` and ``talosctl health`` list; an affiliate without a
Kubernetes node name yet is not a member.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import cluster
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime

from .._common import put


class MemberController(Reconciler):
    name = "cluster.MemberController"

    def inputs(self) -> Sequence[Input]:
        return [Input(cluster.NAMESPACE, cluster.AFFILIATE_TYPE, kind=InputKind.WEAK)]

    def outputs(self) -> Sequence[Output]:
        return [Output(cluster.MEMBER_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        rt.start_tracking_outputs()
        for res in await rt.list(cluster.NAMESPACE, cluster.AFFILIATE_TYPE):
            affiliate: cluster.AffiliateSpec = res.spec
            if not affiliate.nodename:
                continue
            spec = cluster.MemberSpec(
                node_id=affiliate.node_id,
                addresses=affiliate.addresses,
                hostname=affiliate.hostname,
                machine_type=affiliate.machine_type,
                operating_system=affiliate.operating_system,
            )
            await put(rt, cluster.NAMESPACE, cluster.MEMBER_TYPE, affiliate.nodename, spec)
        await rt.cleanup_outputs(cluster.NAMESPACE, cluster.MEMBER_TYPE)
