"""``secrets.APICertSANsController``: ``CertSANs/api``, the names apid's server certificate carries.

IPs: the config's extra SAN IPs plus every address the node ever had (``NodeAddresses/
accumulative``, so a certificate stays valid for clients that still use an old address); DNS
names: the config's extra names plus the hostname and FQDN; ``fqdn`` becomes the CN. Sorted and
de-duplicated like Talos's ``CertSANSpec.Sort``. Waits for the OS root secrets, the hostname and
the addresses.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import network, secrets
from pytalos.machined.runtime import Input, InputKind, Output, OutputKind, Reconciler, Runtime

from .._common import get_spec, put, remove


def cert_sans(
    root: secrets.OSRootSpec, hostname: network.HostnameStatusSpec, addresses: network.NodeAddressSpec
) -> secrets.CertSANSpec:
    ips = sorted(set(root.cert_san_ips) | set(addresses.ips()), key=lambda ip: (ip.version, int(ip)))
    names = sorted({n for n in (*root.cert_san_dns_names, hostname.hostname, hostname.fqdn) if n})
    return secrets.CertSANSpec(ips=tuple(ips), dns_names=tuple(names), fqdn=hostname.fqdn)


class APICertSANsController(Reconciler):
    name = "secrets.APICertSANsController"

    def inputs(self) -> Sequence[Input]:
        return [
            Input(secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID, InputKind.WEAK),
            Input(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, InputKind.WEAK),
            Input(
                network.NAMESPACE,
                network.NODE_ADDRESS_TYPE,
                network.NODE_ADDRESS_ACCUMULATIVE_ID,
                InputKind.WEAK,
            ),
        ]

    def outputs(self) -> Sequence[Output]:
        # shared: secrets.KubernetesCertSANsController writes CertSANs/k8s
        return [Output(secrets.CERT_SAN_TYPE, OutputKind.SHARED)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        root = await get_spec(rt, secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID)
        if root is None:
            await remove(rt, secrets.NAMESPACE, secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID)
            return
        hostname = await get_spec(rt, network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID)
        addresses = await get_spec(
            rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ACCUMULATIVE_ID
        )
        if hostname is None or addresses is None:
            return
        spec = cert_sans(root, hostname, addresses)
        await put(rt, secrets.NAMESPACE, secrets.CERT_SAN_TYPE, secrets.CERT_SAN_API_ID, spec)
