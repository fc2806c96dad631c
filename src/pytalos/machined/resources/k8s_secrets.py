"""Kubernetes secrets of the ``secrets`` namespace (sensitive: readable with ``os:admin`` only).

* ``KubernetesRootSecrets/k8s``: what the config holds (CAs, service-account key, endpoint, names,
  service IPs, bootstrap token, encryption secrets), control planes only;
* ``CertSANs/k8s``: the API server's SANs (same type as ``CertSANs/api``, written by another
  controller, hence a shared output);
* ``KubernetesDynamicCerts/k8s-dynamic-certs``: API server serving, API server → kubelet client and
  front-proxy client certificates;
* ``KubernetesSecrets/k8s-certs``: the controller-manager, scheduler and admin kubeconfigs.

Type names, IDs and YAML keys are Talos's (``pkg/machinery/resources/secrets``), so ``talosctl get
kubernetesrootsecrets -o yaml`` prints the same shape.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import field

from pytalos.machined.runtime import define
from pytalos.machinery.crypto.x509 import CertificateAndKey

from ._spec import Spec, yaml
from .secrets import CERT_SAN_TYPE, NAMESPACE, PEMCertificate

KUBERNETES_ROOT_TYPE = "KubernetesRootSecrets.secrets.talos.dev"
KUBERNETES_DYNAMIC_CERTS_TYPE = "KubernetesDynamicCerts.secrets.talos.dev"
KUBERNETES_TYPE = "KubernetesSecrets.secrets.talos.dev"

KUBERNETES_ROOT_ID = "k8s"
CERT_SAN_KUBERNETES_ID = "k8s"
KUBERNETES_DYNAMIC_CERTS_ID = "k8s-dynamic-certs"
KUBERNETES_ID = "k8s-certs"

__all__ = [
    "CERT_SAN_KUBERNETES_ID",
    "CERT_SAN_TYPE",
    "DEFINITIONS",
    "KUBERNETES_DYNAMIC_CERTS_ID",
    "KUBERNETES_DYNAMIC_CERTS_TYPE",
    "KUBERNETES_ID",
    "KUBERNETES_ROOT_ID",
    "KUBERNETES_ROOT_TYPE",
    "KUBERNETES_TYPE",
    "NAMESPACE",
    "KubernetesCertsSpec",
    "KubernetesDynamicCertsSpec",
    "KubernetesRootSpec",
    "PEMKey",
]

DEFINITIONS = (
    define(KUBERNETES_ROOT_TYPE, NAMESPACE, sensitive=True),
    define(KUBERNETES_DYNAMIC_CERTS_TYPE, NAMESPACE, sensitive=True),
    define(KUBERNETES_TYPE, NAMESPACE, sensitive=True),
)

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclasses.dataclass(frozen=True)
class PEMKey(Spec):
    """``x509.PEMEncodedKey``."""

    key: bytes = field(default=b"", metadata=yaml("key"))


@dataclasses.dataclass(frozen=True)
class KubernetesRootSpec(Spec):
    """``secrets.KubernetesRootSpec`` (``issuingCA`` is absent when the config has no CA key)."""

    name: str = field(default="", metadata=yaml("name"))
    endpoint: str = field(default="", metadata=yaml("endpoint"))
    local_endpoint: str = field(default="", metadata=yaml("local_endpoint"))
    cert_sans: tuple[str, ...] = field(default=(), metadata=yaml("certSANs"))
    api_server_ips: tuple[IP, ...] = field(default=(), metadata=yaml("apiServerIPs"))
    dns_domain: str = field(default="", metadata=yaml("dnsDomain"))
    issuing_ca: CertificateAndKey | None = field(default=None, metadata=yaml("issuingCA"))
    accepted_cas: tuple[PEMCertificate, ...] = field(default=(), metadata=yaml("acceptedCAs"))
    service_account: PEMKey | None = field(default=None, metadata=yaml("serviceAccount"))
    aggregator_ca: CertificateAndKey | None = field(default=None, metadata=yaml("aggregatorCA"))
    aescbc_encryption_secret: str = field(default="", metadata=yaml("aesCBCEncryptionSecret"))
    bootstrap_token_id: str = field(default="", metadata=yaml("bootstrapTokenID"))
    bootstrap_token_secret: str = field(default="", metadata=yaml("bootstrapTokenSecret"))
    secretbox_encryption_secret: str = field(default="", metadata=yaml("secretboxEncryptionSecret"))


@dataclasses.dataclass(frozen=True)
class KubernetesDynamicCertsSpec(Spec):
    """``secrets.KubernetesDynamicCertsSpec``."""

    api_server: CertificateAndKey | None = field(default=None, metadata=yaml("apiServer"))
    api_server_kubelet_client: CertificateAndKey | None = field(
        default=None, metadata=yaml("apiServerKubeletClient")
    )
    front_proxy: CertificateAndKey | None = field(default=None, metadata=yaml("frontProxy"))


@dataclasses.dataclass(frozen=True)
class KubernetesCertsSpec(Spec):
    """``secrets.KubernetesCertsSpec``: the kubeconfigs of the control plane components."""

    scheduler_kubeconfig: str = field(default="", metadata=yaml("schedulerKubeconfig"))
    controller_manager_kubeconfig: str = field(default="", metadata=yaml("controllerManagerKubeconfig"))
    localhost_admin_kubeconfig: str = field(default="", metadata=yaml("localhostAdminKubeconfig"))
    admin_kubeconfig: str = field(default="", metadata=yaml("adminKubeconfig"))
