"""The files the control plane pods read from the node (``render_secrets_static_pod.go``,
``render_config_static_pods.go``), as ``{relative path: (bytes, mode)}`` maps.

Secrets go under ``system/secrets/kubernetes/<component>/`` (certificates, keys, kubeconfigs, the
service-account key pair, the etcd client pair and ``encryptionconfig.yaml``), configs under
``system/config/kubernetes/<component>/`` (admission control, audit policy, authorization config,
the scheduler's ``KubeSchedulerConfiguration``). Paths are relative so the node writes them below its
own root. Private material is ``0o400``-like (``0o600`` here: the pods run as other users and read
through the kubelet), the rest ``0o644``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization

from pytalos.machinery.crypto.x509 import CertificateAndKey

from . import k8syaml
from .componentargs import (
    APISERVER_CONFIG,
    APISERVER_SECRETS,
    CONTROLLER_MANAGER_SECRETS,
    SCHEDULER_CONFIG,
    SCHEDULER_SECRETS,
)
from .controlplane import AdmissionPlugin, SchedulerSettings

Files = dict[str, tuple[bytes, int]]
PRIVATE, PUBLIC = 0o600, 0o644


@dataclass(frozen=True)
class SecretsInput:
    """What the secrets render needs (from ``KubernetesRootSecrets``, ``KubernetesDynamicCerts``,
    ``KubernetesSecrets`` and the etcd CA)."""

    ca_crt: bytes
    ca_key: bytes
    accepted_cas: Sequence[bytes]
    aggregator_ca_crt: bytes
    service_account_key: bytes
    api_server: CertificateAndKey
    api_server_kubelet_client: CertificateAndKey
    front_proxy: CertificateAndKey
    etcd_ca_crt: bytes
    etcd_client: CertificateAndKey
    controller_manager_kubeconfig: str
    scheduler_kubeconfig: str
    aescbc_encryption_secret: str = ""
    secretbox_encryption_secret: str = ""


def encryption_config(aescbc: str, secretbox: str) -> dict[str, Any]:
    """``k8stemplates.APIServerEncryptionConfig`` (legacy path): secretbox, aescbc, then identity."""
    providers: list[dict[str, Any]] = []
    if secretbox:
        providers.append({"secretbox": {"keys": [{"name": "key2", "secret": secretbox}]}})
    if aescbc:
        providers.append({"aescbc": {"keys": [{"name": "key1", "secret": aescbc}]}})
    providers.append({"identity": {}})
    return {
        "apiVersion": "v1",
        "kind": "EncryptionConfig",
        "resources": [{"providers": providers, "resources": ["secrets"]}],
    }


def public_key_pem(private_key_pem: bytes) -> bytes:
    """``service-account.pub``: the PKIX public key of the service-account signing key."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def secret_files(src: SecretsInput) -> Files:
    a, cm, sch = (
        APISERVER_SECRETS.lstrip("/"),
        CONTROLLER_MANAGER_SECRETS.lstrip("/"),
        SCHEDULER_SECRETS.lstrip("/"),
    )
    ca_bundle = b"".join(dict.fromkeys([src.ca_crt, *src.accepted_cas]))
    encryption = k8syaml.marshal(
        encryption_config(src.aescbc_encryption_secret, src.secretbox_encryption_secret)
    )
    return {
        f"{a}/ca.crt": (ca_bundle, PUBLIC),
        f"{a}/apiserver.crt": (src.api_server.crt, PUBLIC),
        f"{a}/apiserver.key": (src.api_server.key, PRIVATE),
        f"{a}/apiserver-kubelet-client.crt": (src.api_server_kubelet_client.crt, PUBLIC),
        f"{a}/apiserver-kubelet-client.key": (src.api_server_kubelet_client.key, PRIVATE),
        f"{a}/front-proxy-client.crt": (src.front_proxy.crt, PUBLIC),
        f"{a}/front-proxy-client.key": (src.front_proxy.key, PRIVATE),
        f"{a}/aggregator-ca.crt": (src.aggregator_ca_crt, PUBLIC),
        f"{a}/service-account.key": (src.service_account_key, PRIVATE),
        f"{a}/service-account.pub": (public_key_pem(src.service_account_key), PUBLIC),
        f"{a}/etcd-client-ca.crt": (src.etcd_ca_crt, PUBLIC),
        f"{a}/etcd-client.crt": (src.etcd_client.crt, PUBLIC),
        f"{a}/etcd-client.key": (src.etcd_client.key, PRIVATE),
        f"{a}/encryptionconfig.yaml": (encryption.encode(), PRIVATE),
        f"{cm}/ca.crt": (src.ca_crt, PUBLIC),
        f"{cm}/ca.key": (src.ca_key, PRIVATE),
        f"{cm}/service-account.key": (src.service_account_key, PRIVATE),
        f"{cm}/kubeconfig": (src.controller_manager_kubeconfig.encode(), PRIVATE),
        f"{sch}/kubeconfig": (src.scheduler_kubeconfig.encode(), PRIVATE),
    }


def admission_config(plugins: Sequence[AdmissionPlugin]) -> dict[str, Any]:
    return {
        "apiVersion": "apiserver.config.k8s.io/v1",
        "kind": "AdmissionConfiguration",
        "plugins": [{"configuration": p.configuration, "name": p.name} for p in plugins],
    }


def authorization_config(authorizers: Sequence[tuple[str, str]]) -> dict[str, Any]:
    entries: list[dict[str, Any]] = [{"name": name, "type": kind} for kind, name in authorizers]
    return {
        "apiVersion": "apiserver.config.k8s.io/v1",
        "authorizers": entries,
        "kind": "AuthorizationConfiguration",
    }


def scheduler_config(settings: SchedulerSettings) -> dict[str, Any]:
    config = dict(settings.config)
    config["apiVersion"] = config.get("apiVersion") or "kubescheduler.config.k8s.io/v1"
    config["kind"] = "KubeSchedulerConfiguration"
    connection = dict(config.get("clientConnection") or {})
    connection["kubeconfig"] = f"{SCHEDULER_SECRETS}/kubeconfig"
    config["clientConnection"] = connection
    return config


def config_files(
    plugins: Sequence[AdmissionPlugin],
    audit_policy: dict[str, Any],
    authorizers: Sequence[tuple[str, str]],
    scheduler: SchedulerSettings | None,
) -> Files:
    a, s = APISERVER_CONFIG.lstrip("/"), SCHEDULER_CONFIG.lstrip("/")
    files: Files = {
        f"{a}/admission-control-config.yaml": (k8syaml.marshal(admission_config(plugins)).encode(), PUBLIC),
        f"{a}/auditpolicy.yaml": (k8syaml.marshal(audit_policy).encode(), PUBLIC),
        f"{a}/authorization-config.yaml": (
            k8syaml.marshal(authorization_config(authorizers)).encode(),
            PUBLIC,
        ),
    }
    if scheduler is not None:
        files[f"{s}/scheduler-config.yaml"] = (k8syaml.marshal(scheduler_config(scheduler)).encode(), PUBLIC)
    return files
