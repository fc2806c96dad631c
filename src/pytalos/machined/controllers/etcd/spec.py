"""``etcd.SpecController``: ``EtcdSpecs/etcd`` on control planes only.

Inputs: the config's ``cluster.etcd`` section, the hostname and the routed node addresses; the
address selection is :func:`pytalos.machined.etcd.spec.build_spec` (advertised/listen subnets).
Workers have no etcd spec. While the hostname or addresses are missing the spec waits; when no
address matches the configured subnets the reconcile fails with the reason (the runtime logs it
and retries on the next change).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.etcd.spec import build_spec
from pytalos.machined.resources import etcd, network
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, MACHINE_TYPE_INPUT, config_view, get_spec, put, remove


class EtcdSpecController(Reconciler):
    name = "etcd.SpecController"

    def inputs(self) -> Sequence[Input]:
        return [
            MACHINE_CONFIG_INPUT,
            MACHINE_TYPE_INPUT,
            Input(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, InputKind.WEAK),
            Input(
                network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ROUTED_ID, InputKind.WEAK
            ),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(etcd.ETCD_SPEC_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        if view is None or view.machine_type not in ("controlplane", "init"):
            await remove(rt, etcd.NAMESPACE, etcd.ETCD_SPEC_TYPE, etcd.ETCD_SPEC_ID)
            return
        hostname = await get_spec(rt, network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID)
        routed = await get_spec(
            rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ROUTED_ID
        )
        if hostname is None or routed is None or not routed.addresses:
            return
        config = view.etcd
        built = build_spec(config, hostname.hostname, routed.ips())
        spec = etcd.EtcdSpecSpec(
            name=built.name,
            advertised_addresses=built.advertised_addresses,
            listen_peer_addresses=built.listen_peer_addresses,
            listen_client_addresses=built.listen_client_addresses,
            image=config.container_image,
            extra_args=dict(built.extra_args),
        )
        await put(rt, etcd.NAMESPACE, etcd.ETCD_SPEC_TYPE, etcd.ETCD_SPEC_ID, spec)
