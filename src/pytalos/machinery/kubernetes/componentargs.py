"""The control plane components' command lines (Talos's defaults merged with ``extraArgs``).

Talos's flags for kube-apiserver, kube-controller-manager and kube-scheduler, merged with the user's
extra args under Talos's policies (:mod:`.argsbuilder`): list-valued flags are additive, the
service-account issuer is appended, and every flag naming a certificate, key, kubeconfig, the etcd
servers or a Talos-rendered config file is denied (an :class:`~.argsbuilder.ArgsError` names each).
Kubernetes ≥ 1.30 gets ``--authorization-config`` (the file Talos renders) unless the user set
authorization flags, older releases ``--authorization-mode``.
"""

from __future__ import annotations

import re

from .argsbuilder import Args, MergePolicy
from .controlplane import APIServerSettings, ControllerManagerSettings, SchedulerSettings

SECRETS_DIR = "/system/secrets/kubernetes"
CONFIG_DIR = "/system/config/kubernetes"
APISERVER_SECRETS = f"{SECRETS_DIR}/kube-apiserver"
APISERVER_CONFIG = f"{CONFIG_DIR}/kube-apiserver"
CONTROLLER_MANAGER_SECRETS = f"{SECRETS_DIR}/kube-controller-manager"
SCHEDULER_SECRETS = f"{SECRETS_DIR}/kube-scheduler"
SCHEDULER_CONFIG = f"{CONFIG_DIR}/kube-scheduler"
AUDIT_LOG_DIR = "/var/log/audit/kube"


def image_version(image: str) -> str:
    """``compatibility.VersionFromImageRef``: ``registry.k8s.io/kube-apiserver:v1.36.0`` → ``1.36.0``."""
    tag = image.rsplit("@", 1)[0].rsplit("/", 1)[-1].partition(":")[2]
    match = re.match(r"v?(\d+\.\d+\.\d+)", tag)
    return match[1] if match else "0.0.0"


def _minor(image: str) -> tuple[int, int]:
    major, minor, _ = image_version(image).split(".")
    return int(major), int(minor)


TLS_CIPHER_SUITES = ",".join(
    (
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    )
)

_D, _A, _P = MergePolicy.DENIED, MergePolicy.ADDITIVE, MergePolicy.APPEND

APISERVER_POLICIES = {
    "enable-admission-plugins": _A,
    "feature-gates": _A,
    "authorization-mode": _A,
    "tls-cipher-suites": _A,
    "service-account-issuer": _P,
    **dict.fromkeys(
        (
            "etcd-servers",
            "client-ca-file",
            "requestheader-client-ca-file",
            "proxy-client-cert-file",
            "proxy-client-key-file",
            "encryption-provider-config",
            "etcd-cafile",
            "etcd-certfile",
            "etcd-keyfile",
            "kubelet-client-certificate",
            "kubelet-client-key",
            "service-account-key-file",
            "service-account-signing-key-file",
            "tls-cert-file",
            "tls-private-key-file",
            "authorization-config",
        ),
        _D,
    ),
}
CONTROLLER_MANAGER_POLICIES = {
    "service-cluster-ip-range": _A,
    "controllers": _A,
    **dict.fromkeys(
        (
            "cluster-signing-cert-file",
            "cluster-signing-key-file",
            "authentication-kubeconfig",
            "authorization-kubeconfig",
            "root-ca-file",
            "service-account-private-key-file",
        ),
        _D,
    ),
}
SCHEDULER_POLICIES = dict.fromkeys(
    ("kubeconfig", "authentication-kubeconfig", "authorization-kubeconfig", "config"), _D
)


def uses_authorization_config(settings: APIServerSettings) -> bool:
    """Kubernetes ≥ 1.30 reads authorizers from a file unless the user set authorization flags."""
    manual = any(
        a == "authorization-mode" or a.startswith("authorization-webhook") for a in settings.extra_args
    )
    return _minor(settings.image) >= (1, 30) and not manual


def api_server_args(settings: APIServerSettings) -> list[str]:
    s, c = APISERVER_SECRETS, APISERVER_CONFIG
    builder = Args(
        {
            "admission-control-config-file": f"{c}/admission-control-config.yaml",
            "allow-privileged": "true",
            "anonymous-auth": "false",
            "api-audiences": settings.control_plane_endpoint,
            "bind-address": "0.0.0.0",
            "client-ca-file": f"{s}/ca.crt",
            "enable-admission-plugins": "NodeRestriction",
            "requestheader-client-ca-file": f"{s}/aggregator-ca.crt",
            "requestheader-allowed-names": "front-proxy-client",
            "requestheader-extra-headers-prefix": "X-Remote-Extra-",
            "requestheader-group-headers": "X-Remote-Group",
            "requestheader-username-headers": "X-Remote-User",
            "proxy-client-cert-file": f"{s}/front-proxy-client.crt",
            "proxy-client-key-file": f"{s}/front-proxy-client.key",
            "enable-bootstrap-token-auth": "true",
            "tls-min-version": "VersionTLS12",
            "tls-cipher-suites": TLS_CIPHER_SUITES,
            "encryption-provider-config": f"{s}/encryptionconfig.yaml",
            "audit-policy-file": f"{c}/auditpolicy.yaml",
            "audit-log-path": f"{AUDIT_LOG_DIR}/kube-apiserver.log",
            "audit-log-maxage": "30",
            "audit-log-maxbackup": "10",
            "audit-log-maxsize": "100",
            "profiling": "false",
            "etcd-cafile": f"{s}/etcd-client-ca.crt",
            "etcd-certfile": f"{s}/etcd-client.crt",
            "etcd-keyfile": f"{s}/etcd-client.key",
            "etcd-servers": ",".join(settings.etcd_servers),
            "kubelet-client-certificate": f"{s}/apiserver-kubelet-client.crt",
            "kubelet-client-key": f"{s}/apiserver-kubelet-client.key",
            "secure-port": str(settings.local_port),
            "service-account-issuer": settings.control_plane_endpoint,
            "service-account-key-file": f"{s}/service-account.pub",
            "service-account-signing-key-file": f"{s}/service-account.key",
            "service-cluster-ip-range": ",".join(settings.service_cidrs),
            "tls-cert-file": f"{s}/apiserver.crt",
            "tls-private-key-file": f"{s}/apiserver.key",
            "kubelet-preferred-address-types": "InternalIP,ExternalIP,Hostname",
        }
    )
    if settings.advertised_address:
        builder.set("advertise-address", settings.advertised_address)
    if settings.cloud_provider and _minor(settings.image) < (1, 33):
        builder.set("cloud-provider", settings.cloud_provider)
    if uses_authorization_config(settings):
        builder.set("authorization-config", f"{c}/authorization-config.yaml")
    else:
        builder.set("authorization-mode", ",".join(t for t, _ in settings.authorizers if t != "Webhook"))
    builder.merge(settings.extra_args, APISERVER_POLICIES, what="kube-apiserver extraArgs")
    return ["/usr/local/bin/kube-apiserver", *builder.args()]


def controller_manager_args(settings: ControllerManagerSettings) -> list[str]:
    s = CONTROLLER_MANAGER_SECRETS
    builder = Args(
        {
            "allocate-node-cidrs": "true",
            "bind-address": "127.0.0.1",
            "cluster-cidr": ",".join(settings.pod_cidrs),
            "service-cluster-ip-range": ",".join(settings.service_cidrs),
            "cluster-signing-cert-file": f"{s}/ca.crt",
            "cluster-signing-key-file": f"{s}/ca.key",
            "controllers": "*,tokencleaner",
            "configure-cloud-routes": "false",
            "kubeconfig": f"{s}/kubeconfig",
            "authentication-kubeconfig": f"{s}/kubeconfig",
            "authorization-kubeconfig": f"{s}/kubeconfig",
            "leader-elect": "true",
            "root-ca-file": f"{s}/ca.crt",
            "service-account-private-key-file": f"{s}/service-account.key",
            "profiling": "false",
            "tls-min-version": "VersionTLS13",
        }
    )
    if settings.cloud_provider and _minor(settings.image) < (1, 33):
        builder.set("cloud-provider", settings.cloud_provider)
    builder.merge(settings.extra_args, CONTROLLER_MANAGER_POLICIES, what="kube-controller-manager extraArgs")
    return ["/usr/local/bin/kube-controller-manager", "--use-service-account-credentials", *builder.args()]


def scheduler_args(settings: SchedulerSettings) -> list[str]:
    builder = Args(
        {
            "config": f"{SCHEDULER_CONFIG}/scheduler-config.yaml",
            "authentication-tolerate-lookup-failure": "false",
            "authentication-kubeconfig": f"{SCHEDULER_SECRETS}/kubeconfig",
            "authorization-kubeconfig": f"{SCHEDULER_SECRETS}/kubeconfig",
            "bind-address": "127.0.0.1",
            "leader-elect": "true",
            "profiling": "false",
            "tls-min-version": "VersionTLS13",
        }
    )
    builder.merge(settings.extra_args, SCHEDULER_POLICIES, what="kube-scheduler extraArgs")
    return ["/usr/local/bin/kube-scheduler", *builder.args()]
