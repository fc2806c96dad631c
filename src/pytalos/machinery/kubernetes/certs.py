"""The control plane's Kubernetes certificates, issued as Talos's secrets controllers issue them.

* ``kube-apiserver`` serving certificate (CN ``kube-apiserver``, O ``kube-master``, the ``k8s`` cert
  SANs, KeyUsage digitalSignature|keyEncipherment, ExtKeyUsage serverAuth);
* ``apiserver-kubelet-client`` (O ``system:masters``, clientAuth) the API server uses towards kubelets;
* ``front-proxy-client`` from the aggregator CA (clientAuth);
* client certificates for kubeconfigs (``system:kube-controller-manager``, ``system:kube-scheduler``,
  ``admin``/``talos:admin`` with O ``system:masters``).

All valid one year (``constants.KubernetesDefaultCertificateValidityDuration``) unless a lifetime is
given. :func:`kubernetes_cert_sans` is ``KubernetesCertSANsController``'s SAN list, sorted like
``CertSANSpec.Sort``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pytalos.machinery.crypto.x509 import (
    CLIENT_AUTH,
    SERVER_AUTH,
    CertificateAndKey,
    KeyUsage,
    issue_certificate,
)

IP = ipaddress.IPv4Address | ipaddress.IPv6Address

#: ``constants.KubernetesDefaultCertificateValidityDuration``
CERT_VALIDITY = timedelta(days=365)
#: ``kubeconfig.allowedTimeSkew``: kubeconfig client certificates start this much in the past
ALLOWED_TIME_SKEW = timedelta(seconds=10)

APISERVER_COMMON_NAME = "kube-apiserver"
APISERVER_ORGANIZATION = "kube-master"
APISERVER_KUBELET_CLIENT_COMMON_NAME = "apiserver-kubelet-client"
FRONT_PROXY_COMMON_NAME = "front-proxy-client"
ADMIN_ORGANIZATION = "system:masters"
ADMIN_COMMON_NAME = "admin"
TALOS_ADMIN_COMMON_NAME = "talos:admin"
CONTROLLER_MANAGER_ORGANIZATION = "system:kube-controller-manager"
SCHEDULER_ORGANIZATION = "system:kube-scheduler"

_USAGE = KeyUsage.DIGITAL_SIGNATURE | KeyUsage.KEY_ENCIPHERMENT


class CertificateError(ValueError):
    """A CA cannot issue (no key, unparsable); the message says which CA."""


@dataclass(frozen=True)
class CertSANs:
    """``secrets.CertSANSpec`` content: IPs and DNS names, sorted and de-duplicated."""

    ips: tuple[IP, ...]
    dns_names: tuple[str, ...]


def _ip_key(ip: IP) -> tuple[int, int]:
    return (ip.version, int(ip))


def kubernetes_cert_sans(
    *,
    endpoint_host: str,
    cert_sans: Iterable[str],
    dns_domain: str,
    hostname: str,
    fqdn: str,
    api_server_ips: Iterable[IP],
    node_ips: Iterable[IP],
) -> CertSANs:
    """The API server's SANs: endpoint host, ``certSANs``, ``kubernetes``... names, ``localhost``,
    hostname and FQDN, the service IPs, the node addresses and ``127.0.0.1``."""
    ips: set[IP] = set()
    names: set[str] = set()

    def append(*values: str) -> None:
        for value in values:
            if not value:
                continue
            try:
                ips.add(ipaddress.ip_address(value))
            except ValueError:
                names.add(value)

    append(endpoint_host, *cert_sans)
    names.update(
        (
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            f"kubernetes.default.svc.{dns_domain}",
            "localhost",
        )
    )
    append(hostname, fqdn)
    ips.update(api_server_ips)
    ips.update(node_ips)
    ips.add(ipaddress.IPv4Address("127.0.0.1"))
    return CertSANs(tuple(sorted(ips, key=_ip_key)), tuple(sorted(names)))


def _issuer(ca: CertificateAndKey | None, what: str) -> CertificateAndKey:
    if ca is None or not ca.key:
        raise CertificateError(f"failed to parse {what}: the CA has no private key")
    try:
        ca.validate()
    except ValueError as err:
        raise CertificateError(f"failed to parse {what}: {err}") from err
    return ca


def apiserver_cert(
    ca: CertificateAndKey | None, sans: CertSANs, validity: timedelta = CERT_VALIDITY
) -> CertificateAndKey:
    return issue_certificate(
        _issuer(ca, "CA certificate"),
        common_name=APISERVER_COMMON_NAME,
        organizations=(APISERVER_ORGANIZATION,),
        dns_names=sans.dns_names,
        ip_addresses=sans.ips,
        validity=validity,
        key_usage=_USAGE,
        ext_key_usage=(SERVER_AUTH,),
    )


def apiserver_kubelet_client_cert(
    ca: CertificateAndKey | None, validity: timedelta = CERT_VALIDITY
) -> CertificateAndKey:
    return issue_certificate(
        _issuer(ca, "CA certificate"),
        common_name=APISERVER_KUBELET_CLIENT_COMMON_NAME,
        organizations=(ADMIN_ORGANIZATION,),
        validity=validity,
        key_usage=_USAGE,
        ext_key_usage=(CLIENT_AUTH,),
    )


def front_proxy_cert(
    aggregator_ca: CertificateAndKey | None, validity: timedelta = CERT_VALIDITY
) -> CertificateAndKey:
    return issue_certificate(
        _issuer(aggregator_ca, "aggregator CA"),
        common_name=FRONT_PROXY_COMMON_NAME,
        validity=validity,
        key_usage=_USAGE,
        ext_key_usage=(CLIENT_AUTH,),
    )


def client_cert(
    ca: CertificateAndKey | None,
    *,
    common_name: str,
    organization: str,
    lifetime: timedelta,
    now: datetime | None = None,
) -> CertificateAndKey:
    """A kubeconfig client certificate: valid from ``now - 10s`` until ``now + lifetime``."""
    start = (now or datetime.now(UTC)) - ALLOWED_TIME_SKEW
    return issue_certificate(
        _issuer(ca, "Kubernetes CA"),
        common_name=common_name,
        organizations=(organization,) if organization else (),
        not_before=start,
        validity=lifetime + ALLOWED_TIME_SKEW,
        key_usage=_USAGE,
        ext_key_usage=(CLIENT_AUTH,),
    )
