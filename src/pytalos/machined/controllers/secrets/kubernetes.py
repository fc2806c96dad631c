"""``secrets.KubernetesController``: ``KubernetesSecrets/k8s-certs``, the control plane kubeconfigs.

Once the clock is synced, from the root secrets: kube-controller-manager's and kube-scheduler's
kubeconfigs (CN = O = ``system:kube-controller-manager`` / ``system:kube-scheduler``, context
``default@<cluster>``, the node-local endpoint) and two admin kubeconfigs Talos uses itself (CN
``talos:admin``, O ``system:masters``): one for the cluster endpoint, one for the local endpoint.
All client certificates are valid one year. Re-issued when the root secrets or the time status
change. The kubeconfig users download is not this one: ``talosctl kubeconfig`` gets a fresh one
per call (:mod:`pytalos.machined.server.kubeconfig`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from pytalos.machined.resources import k8s_secrets, time
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime
from pytalos.machinery.kubernetes import certs, kubeconfig
from pytalos.machinery.kubernetes.settings import KubernetesSettings

from .._common import KUBERNETES_ROOT_INPUT, TIME_STATUS_INPUT, get_spec, put, remove
from .root_kubernetes import settings_of


def render(settings: KubernetesSettings) -> k8s_secrets.KubernetesCertsSpec:
    """The four kubeconfigs (raises :class:`~pytalos.machinery.kubernetes.certs.CertificateError`)."""
    cn, validity = certs.TALOS_ADMIN_COMMON_NAME, certs.CERT_VALIDITY
    return k8s_secrets.KubernetesCertsSpec(
        scheduler_kubeconfig=kubeconfig.component_kubeconfig(settings, certs.SCHEDULER_ORGANIZATION),
        controller_manager_kubeconfig=kubeconfig.component_kubeconfig(
            settings, certs.CONTROLLER_MANAGER_ORGANIZATION
        ),
        localhost_admin_kubeconfig=kubeconfig.admin_kubeconfig(
            settings, endpoint=settings.local_endpoint, common_name=cn, lifetime=validity
        ),
        admin_kubeconfig=kubeconfig.admin_kubeconfig(settings, common_name=cn, lifetime=validity),
    )


class KubernetesController(Reconciler):
    name = "secrets.KubernetesController"

    def __init__(self) -> None:
        self._issued_for: tuple[object, ...] | None = None

    def inputs(self) -> Sequence[Input]:
        return [
            KUBERNETES_ROOT_INPUT,
            TIME_STATUS_INPUT,
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s_secrets.KUBERNETES_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        ns = k8s_secrets.NAMESPACE
        root: k8s_secrets.KubernetesRootSpec | None = await get_spec(
            rt, ns, k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID
        )
        if root is None:
            self._issued_for = None
            await remove(rt, ns, k8s_secrets.KUBERNETES_TYPE, k8s_secrets.KUBERNETES_ID)
            return
        clock: time.TimeStatusSpec | None = await get_spec(
            rt, time.NAMESPACE, time.TIME_STATUS_TYPE, time.TIME_STATUS_ID
        )
        if clock is None or not clock.synced:
            return
        issued_for = (root, clock.epoch)
        current = await get_spec(rt, ns, k8s_secrets.KUBERNETES_TYPE, k8s_secrets.KUBERNETES_ID)
        if current is not None and issued_for == self._issued_for:
            return
        try:
            spec = await asyncio.to_thread(render, settings_of(root))
        except certs.CertificateError as err:
            raise ValueError(f"Kubernetes kubeconfigs: {err}") from None
        await put(rt, ns, k8s_secrets.KUBERNETES_TYPE, k8s_secrets.KUBERNETES_ID, spec)
        self._issued_for = issued_for
        log.info("issued control plane kubeconfigs for cluster %s", root.name)
