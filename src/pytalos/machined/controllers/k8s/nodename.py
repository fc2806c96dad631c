"""``k8s.NodenameController``: the Kubernetes node name, from the hostname.

``nodename`` is the hostname (the FQDN with ``registerWithFQDN``), lowercased; ``hostnameVersion``
is the version of the ``HostnameStatus`` it came from, as Talos records it, and
``skipNodeRegistration`` mirrors the kubelet setting. Removed while there is no config or hostname.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import k8s, network
from pytalos.machined.runtime import Input, InputKind, Output, Pointer, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, config_view, put, remove


class NodenameController(Reconciler):
    name = "k8s.NodenameController"

    def inputs(self) -> Sequence[Input]:
        return [
            MACHINE_CONFIG_INPUT,
            Input(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s.NODENAME_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        hostname = await rt.get_or_none(
            Pointer(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID)
        )
        if view is None or hostname is None:
            await remove(rt, k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID)
            return
        status: network.HostnameStatusSpec = hostname.spec
        name = status.fqdn if view.register_with_fqdn else status.hostname
        spec = k8s.NodenameSpec(
            nodename=name.lower(),
            hostname_version=str(hostname.metadata.version),
            skip_node_registration=view.skip_node_registration,
        )
        await put(rt, k8s.NAMESPACE, k8s.NODENAME_TYPE, k8s.NODENAME_ID, spec)
