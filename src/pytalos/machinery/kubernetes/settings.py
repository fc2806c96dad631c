"""The Kubernetes cluster settings of a machine config, whichever shape the config has.

Older version contracts keep them in the v1alpha1 ``cluster`` section (``cluster.ca``,
``cluster.controlPlane.endpoint``, ``cluster.network.serviceSubnets`` ...); newer ones move them to
the ``KubeClusterConfig``, ``KubeNetworkConfig``, ``KubeAPIServerCAConfig``, ``KubeAggregatorCAConfig``,
``KubeServiceAccountConfig``, ``KubePrismConfig`` and ``KubeAPIServerConfig`` documents. A document,
when present, wins over the legacy field. :func:`kubernetes_settings` answers with one value object so
the controllers and the ``Kubeconfig`` RPC never care which shape they read; a missing secret is an
error naming the field (Talos's ``missing cluster.CA secret`` ...).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pytalos.machinery.config.container import Container
from pytalos.machinery.crypto.x509 import CertificateAndKey

IP = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_DNS_DOMAIN = "cluster.local"
DEFAULT_SERVICE_SUBNET = "10.96.0.0/12"
DEFAULT_API_SERVER_PORT = 6443
DEFAULT_KUBEPRISM_PORT = 7445
#: ``constants.KubernetesAdminCertDefaultLifetime``
ADMIN_CERT_DEFAULT_LIFETIME = timedelta(days=365)


class SettingsError(ValueError):
    """The config lacks something the Kubernetes PKI needs (the message names the field)."""


@dataclass(frozen=True)
class KubernetesSettings:
    """What ``secrets.KubernetesRootSpec`` and the admin kubeconfig are made of."""

    cluster_name: str
    endpoint: str
    local_endpoint: str
    cert_sans: tuple[str, ...]
    dns_domain: str
    service_subnets: tuple[str, ...]
    issuing_ca: CertificateAndKey | None
    accepted_cas: tuple[bytes, ...]
    aggregator_ca: CertificateAndKey | None
    service_account_key: bytes
    aescbc_encryption_secret: str
    secretbox_encryption_secret: str
    bootstrap_token: str
    admin_cert_lifetime: timedelta

    @property
    def api_server_ips(self) -> tuple[IP, ...]:
        """``Network().APIServerIPs()``: the first host address of every service CIDR (10.96.0.1)."""
        return api_server_ips(self.service_subnets)

    @property
    def bootstrap_token_id(self) -> str:
        return self.bootstrap_token.partition(".")[0]

    @property
    def bootstrap_token_secret(self) -> str:
        return self.bootstrap_token.partition(".")[2]


def api_server_ips(subnets: tuple[str, ...] | list[str]) -> tuple[IP, ...]:
    out: list[IP] = []
    for cidr in subnets:
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError as err:
            raise SettingsError(f"error building API service IPs: service subnet {cidr!r}: {err}") from None
        out.append(network.network_address + 1)
    return tuple(out)


def _attr(obj: Any, *names: str) -> Any:
    for name in names:
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def _bytes(value: Any) -> bytes:
    """PEM from either form: base64 fields decode to ``.data`` bytes, documents hold PEM text."""
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    data = getattr(value, "data", b"")
    return bytes(data) if data else b""


def _pair(doc_ca: Any, legacy: Any) -> CertificateAndKey | None:
    if doc_ca is not None:
        crt, key = _bytes(doc_ca.cert), _bytes(doc_ca.key)
    elif legacy is not None:
        crt, key = _bytes(legacy.crt), _bytes(legacy.key)
    else:
        return None
    return CertificateAndKey(crt, key) if crt else None


def _endpoint(container: Container, cluster: Any) -> str:
    doc = container.get("KubeClusterConfig")
    url = getattr(doc, "endpoint", None)
    if url is not None and url.text:
        return str(url.text)
    endpoint = _attr(cluster, "control_plane", "endpoint")
    return str(endpoint) if endpoint is not None else ""


def _local_endpoint(container: Container, v1: Any, cluster: Any) -> str:
    prism = container.get("KubePrismConfig")
    if prism is not None:
        return f"https://127.0.0.1:{getattr(prism, 'port', 0) or DEFAULT_KUBEPRISM_PORT}"
    legacy = _attr(v1, "machine_config", "machine_features", "kube_prism_support")
    if legacy is not None and legacy.server_enabled:
        return f"https://127.0.0.1:{legacy.server_port or DEFAULT_KUBEPRISM_PORT}"
    apiserver = container.get("KubeAPIServerConfig")
    port = apiserver.port() if apiserver is not None else 0  # type: ignore[attr-defined]
    port = port or _attr(cluster, "control_plane", "local_api_server_port") or DEFAULT_API_SERVER_PORT
    return f"https://localhost:{port}"


def _network(container: Container, cluster: Any) -> tuple[str, tuple[str, ...]]:
    doc = container.get("KubeNetworkConfig")
    if doc is not None:
        subnets = tuple(str(s) for s in getattr(doc, "service_subnets", []))
        return doc.effective_dns_domain(), subnets or (DEFAULT_SERVICE_SUBNET,)  # type: ignore[attr-defined]
    network = _attr(cluster, "cluster_network")
    domain = _attr(network, "dns_domain") or DEFAULT_DNS_DOMAIN
    subnets = tuple(_attr(network, "service_subnet") or ()) or (DEFAULT_SERVICE_SUBNET,)
    return str(domain), subnets


def _cert_sans(container: Container, cluster: Any) -> tuple[str, ...]:
    legacy = list(_attr(cluster, "api_server_config", "cert_sans") or [])
    doc = container.get("KubeAPIServerConfig")
    extra = list(getattr(doc, "cert_extra_sans", []) or []) if doc is not None else []
    return tuple(dict.fromkeys([*legacy, *extra]))


def _admin_lifetime(cluster: Any) -> timedelta:
    lifetime = _attr(cluster, "admin_kubeconfig_config", "admin_kubeconfig_cert_lifetime")
    ns = int(getattr(lifetime, "nanoseconds", 0) or 0)
    return timedelta(microseconds=ns // 1000) if ns > 0 else ADMIN_CERT_DEFAULT_LIFETIME


def kubernetes_settings(container: Container) -> KubernetesSettings:
    """The cluster's Kubernetes settings (see the module docstring); raises :class:`SettingsError`."""
    v1 = container.v1alpha1()
    cluster = _attr(v1, "cluster_config")
    name_doc = container.get("KubeClusterConfig")
    name = (getattr(name_doc, "cluster_name", "") if name_doc is not None else "") or _attr(
        cluster, "cluster_name"
    )
    dns_domain, service_subnets = _network(container, cluster)
    ca_doc = container.get("KubeAPIServerCAConfig")
    issuing = _pair(_attr(ca_doc, "issuing_ca"), _attr(cluster, "cluster_ca"))
    accepted_src = (
        getattr(ca_doc, "accepted_cas", []) if ca_doc is not None else _attr(cluster, "cluster_accepted_cas")
    )
    accepted = [_bytes(getattr(c, "crt", c)) for c in accepted_src or []]
    if issuing is not None:
        accepted.append(issuing.crt)
    if not accepted:
        raise SettingsError("missing cluster.CA secret")
    if issuing is not None and not issuing.key:
        issuing = None  # a worker's config carries the certificate only
    agg_doc = container.get("KubeAggregatorCAConfig")
    aggregator = _pair(_attr(agg_doc, "issuing_ca"), _attr(cluster, "cluster_aggregator_ca"))
    if aggregator is None:
        raise SettingsError("missing cluster.aggregatorCA secret")
    sa_doc = container.get("KubeServiceAccountConfig")
    sa_key = (
        _bytes(_attr(sa_doc, "issuer", "private_key"))
        if sa_doc is not None
        else _bytes(_attr(cluster, "cluster_service_account", "key"))
    )
    return KubernetesSettings(
        cluster_name=str(name or ""),
        endpoint=_endpoint(container, cluster),
        local_endpoint=_local_endpoint(container, v1, cluster),
        cert_sans=_cert_sans(container, cluster),
        dns_domain=dns_domain,
        service_subnets=service_subnets,
        issuing_ca=issuing,
        accepted_cas=tuple(accepted),
        aggregator_ca=aggregator,
        service_account_key=sa_key,
        aescbc_encryption_secret=str(_attr(cluster, "cluster_aescbc_encryption_secret") or ""),
        secretbox_encryption_secret=str(_attr(cluster, "cluster_secretbox_encryption_secret") or ""),
        bootstrap_token=str(_attr(cluster, "bootstrap_token") or ""),
        admin_cert_lifetime=_admin_lifetime(cluster),
    )
