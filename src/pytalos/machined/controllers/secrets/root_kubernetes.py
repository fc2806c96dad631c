"""``secrets.RootKubernetesController``: ``KubernetesRootSecrets/k8s`` from the machine config.

Control planes only (Talos's ``rootMapFunc(..., requireControlPlane=true)``): the cluster name and
endpoint, the local endpoint (KubePrism's ``https://127.0.0.1:<port>`` when enabled, else
``https://localhost:<apiserver port>``), ``certSANs``, DNS domain, the first IP of every service
CIDR, the Kubernetes CA (issuing pair + accepted certificates), aggregator CA, service-account key,
encryption secrets and the bootstrap token. The config may carry these in the v1alpha1 ``cluster``
section or in ``Kube*Config`` documents (:mod:`pytalos.machinery.kubernetes.settings`). A config
lacking a CA fails the reconcile with Talos's text (``missing cluster.aggregatorCA secret``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pytalos.machined.resources import k8s_secrets
from pytalos.machined.resources.secrets import PEMCertificate
from pytalos.machined.runtime import Input, Output, Reconciler, Runtime
from pytalos.machinery.kubernetes.settings import (
    ADMIN_CERT_DEFAULT_LIFETIME,
    KubernetesSettings,
    SettingsError,
    kubernetes_settings,
)

from .._common import MACHINE_CONFIG_INPUT, MACHINE_TYPE_INPUT, config_view, put, remove

CONTROL_PLANE_TYPES = ("controlplane", "init")


def root_spec(settings: KubernetesSettings) -> k8s_secrets.KubernetesRootSpec:
    return k8s_secrets.KubernetesRootSpec(
        name=settings.cluster_name,
        endpoint=settings.endpoint,
        local_endpoint=settings.local_endpoint,
        cert_sans=settings.cert_sans,
        api_server_ips=settings.api_server_ips,
        dns_domain=settings.dns_domain,
        issuing_ca=settings.issuing_ca,
        accepted_cas=tuple(PEMCertificate(crt) for crt in settings.accepted_cas),
        service_account=k8s_secrets.PEMKey(settings.service_account_key)
        if settings.service_account_key
        else None,
        aggregator_ca=settings.aggregator_ca,
        aescbc_encryption_secret=settings.aescbc_encryption_secret,
        bootstrap_token_id=settings.bootstrap_token_id,
        bootstrap_token_secret=settings.bootstrap_token_secret,
        secretbox_encryption_secret=settings.secretbox_encryption_secret,
    )


def settings_of(root: k8s_secrets.KubernetesRootSpec) -> KubernetesSettings:
    """The settings a root spec was made of (what the certificate controllers issue from)."""
    return KubernetesSettings(
        cluster_name=root.name,
        endpoint=root.endpoint,
        local_endpoint=root.local_endpoint,
        cert_sans=root.cert_sans,
        dns_domain=root.dns_domain,
        service_subnets=(),
        issuing_ca=root.issuing_ca,
        accepted_cas=tuple(c.crt for c in root.accepted_cas),
        aggregator_ca=root.aggregator_ca,
        service_account_key=root.service_account.key if root.service_account is not None else b"",
        aescbc_encryption_secret=root.aescbc_encryption_secret,
        secretbox_encryption_secret=root.secretbox_encryption_secret,
        bootstrap_token=f"{root.bootstrap_token_id}.{root.bootstrap_token_secret}",
        admin_cert_lifetime=ADMIN_CERT_DEFAULT_LIFETIME,
    )


class RootKubernetesController(Reconciler):
    name = "secrets.RootKubernetesController"

    def inputs(self) -> Sequence[Input]:
        return [MACHINE_CONFIG_INPUT, MACHINE_TYPE_INPUT]

    def outputs(self) -> Sequence[Output]:
        return [Output(k8s_secrets.KUBERNETES_ROOT_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        if view is None or view.container.v1alpha1() is None or view.machine_type not in CONTROL_PLANE_TYPES:
            await remove(
                rt, k8s_secrets.NAMESPACE, k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID
            )
            return
        try:
            settings = kubernetes_settings(view.container)
        except SettingsError as err:
            raise ValueError(f"Kubernetes root secrets from the machine config: {err}") from None
        spec = root_spec(settings)
        await put(
            rt, k8s_secrets.NAMESPACE, k8s_secrets.KUBERNETES_ROOT_TYPE, k8s_secrets.KUBERNETES_ROOT_ID, spec
        )
