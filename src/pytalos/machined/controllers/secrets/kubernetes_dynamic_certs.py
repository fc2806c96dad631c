"""``secrets.KubernetesDynamicCertsController``: ``KubernetesDynamicCerts/k8s-dynamic-certs``.

From the root secrets' CAs and ``CertSANs/k8s``, once the clock is synced (certificates depend on
the time): the kube-apiserver serving certificate, ``apiserver-kubelet-client`` (O
``system:masters``) and ``front-proxy-client`` from the aggregator CA
(:mod:`pytalos.machinery.kubernetes.certs`). Talos re-issues on every wake-up; this controller
re-issues when the CAs, the SANs or the time status change (a clock jump bumps its epoch), so a
restart-free node does not churn certificates. Removed with the root secrets.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from pytalos.machined.resources import k8s_secrets, secrets, time
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime
from pytalos.machinery.kubernetes import certs

from .._common import KUBERNETES_ROOT_INPUT, TIME_STATUS_INPUT, get_spec, put, remove


def issue(
    root: k8s_secrets.KubernetesRootSpec, sans: secrets.CertSANSpec
) -> k8s_secrets.KubernetesDynamicCertsSpec:
    """The three certificates (raises :class:`~pytalos.machinery.kubernetes.certs.CertificateError`)."""
    return k8s_secrets.KubernetesDynamicCertsSpec(
        api_server=certs.apiserver_cert(root.issuing_ca, certs.CertSANs(sans.ips, sans.dns_names)),
        api_server_kubelet_client=certs.apiserver_kubelet_client_cert(root.issuing_ca),
        front_proxy=certs.front_proxy_cert(root.aggregator_ca),
    )


class KubernetesDynamicCertsController(Reconciler):
    name = "secrets.KubernetesDynamicCertsController"

    def __init__(self) -> None:
        self._issued_for: tuple[object, ...] | None = None

    def inputs(self) -> Sequence[Input]:
        return [
            KUBERNETES_ROOT_INPUT,
            TIME_STATUS_INPUT,
            Input(
                secrets.NAMESPACE, secrets.CERT_SAN_TYPE, k8s_secrets.CERT_SAN_KUBERNETES_ID, InputKind.WEAK
            ),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        ns = k8s_secrets.NAMESPACE
        root: k8s_secrets.KubernetesRootSpec | None = await get_spec(
            rt, ns, k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID
        )
        if root is None:
            self._issued_for = None
            await remove(
                rt, ns, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID
            )
            return
        clock: time.TimeStatusSpec | None = await get_spec(
            rt, time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID
        )
        if clock is None or not clock.synced:
            return
        sans: secrets.CertSANSpec | None = await get_spec(
            rt, secrets.NAMESPACE, secrets.CERT_SAN_TYPE, k8s_secrets.CERT_SAN_KUBERNETES_ID
        )
        if sans is None:
            return
        issued_for = (root.issuing_ca, root.aggregator_ca, sans.ips, sans.dns_names, clock.epoch)
        current = await get_spec(
            rt, ns, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID
        )
        if current is not None and issued_for == self._issued_for:
            return
        try:
            spec = await asyncio.to_thread(issue, root, sans)
        except certs.CertificateError as err:
            raise ValueError(f"Kubernetes dynamic certificates: {err}") from None
        await put(
            rt, ns, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_TYPE, k8s_secrets.KUBERNETES_DYNAMIC_CERTS_ID, spec
        )
        self._issued_for = issued_for
        log.info("issued kube-apiserver certificates (%d IPs, %d names)", len(sans.ips), len(sans.dns_names))
