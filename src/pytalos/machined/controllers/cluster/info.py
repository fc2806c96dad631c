"""``cluster.InfoController``: ``Infos/current``, the cluster id and name from the config.

The id is ``DiscoveryIdentityConfig.clusterID`` (or the legacy ``cluster.id``), the name
``KubeClusterConfig.clusterName`` (or ``cluster.clusterName``). No config, no resource.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import cluster
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, config_view, put, remove


class InfoController(Reconciler):
    name = "cluster.InfoController"

    def inputs(self) -> Sequence[Input]:
        return [MACHINE_CONFIG_INPUT]

    def outputs(self) -> Sequence[Output]:
        return [Output(cluster.INFO_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        if view is None:
            await remove(rt, cluster.NAMESPACE, cluster.INFO_TYPE, cluster.INFO_ID)
            return
        spec = cluster.InfoSpec(cluster_id=view.cluster_id, cluster_name=view.cluster_name)
        await put(rt, cluster.NAMESPACE, cluster.INFO_TYPE, cluster.INFO_ID, spec)
