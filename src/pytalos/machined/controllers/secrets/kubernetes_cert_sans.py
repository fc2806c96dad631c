"""``secrets.KubernetesCertSANsController``: ``CertSANs/k8s``, the kube-apiserver certificate's SANs.

The endpoint's host, ``cluster.apiServer.certSANs``, ``kubernetes``, ``kubernetes.default``,
``kubernetes.default.svc``, ``kubernetes.default.svc.<domain>``, ``localhost``, the hostname and FQDN,
the first service IP of every service CIDR (``10.96.0.1``), every address the node ever had and
``127.0.0.1`` (:func:`pytalos.machinery.kubernetes.certs.kubernetes_cert_sans`). ``CertSANs`` is
a shared output: ``secrets.APICertSANsController`` writes ``CertSANs/api``. Removed with the root
secrets (workers, no config).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

from pytalos.machined.resources import k8s_secrets, network, secrets
from pytalos.machined.runtime import Input, InputKind, Output, OutputKind, Reconciler, Runtime
from pytalos.machinery.kubernetes.certs import kubernetes_cert_sans

from .._common import KUBERNETES_ROOT_INPUT, get_spec, put, remove


def endpoint_host(endpoint: str) -> str:
    try:
        return urlsplit(endpoint).hostname or ""
    except ValueError:
        return ""


class KubernetesCertSANsController(Reconciler):
    name = "secrets.KubernetesCertSANsController"

    def inputs(self) -> Sequence[Input]:
        return [
            KUBERNETES_ROOT_INPUT,
            Input(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, InputKind.WEAK),
            Input(
                network.NAMESPACE,
                network.NODE_ADDRESS_TYPE,
                network.NODE_ADDRESS_ACCUMULATIVE_ID,
                InputKind.WEAK,
            ),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(secrets.CERT_SAN_TYPE, OutputKind.SHARED)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        root: k8s_secrets.KubernetesRootSpec | None = await get_spec(
            rt, k8s_secrets.NAMESPACE, k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID
        )
        if root is None:
            await remove(rt, secrets.NAMESPACE, secrets.CERT_SAN_TYPE, k8s_secrets.CERT_SAN_KUBERNETES_ID)
            return
        hostname: network.HostnameStatusSpec | None = await get_spec(
            rt, network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID
        )
        addresses: network.NodeAddressSpec | None = await get_spec(
            rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ACCUMULATIVE_ID
        )
        if hostname is None or addresses is None:
            return
        sans = kubernetes_cert_sans(
            endpoint_host=endpoint_host(root.endpoint),
            cert_sans=root.cert_sans,
            dns_domain=root.dns_domain,
            hostname=hostname.hostname,
            fqdn=hostname.fqdn,
            api_server_ips=root.api_server_ips,
            node_ips=addresses.ips(),
        )
        spec = secrets.CertSANSpec(ips=sans.ips, dns_names=sans.dns_names, fqdn=hostname.fqdn)
        await put(rt, secrets.NAMESPACE, secrets.CERT_SAN_TYPE, k8s_secrets.CERT_SAN_KUBERNETES_ID, spec)
