"""Resources of the ``secrets`` namespace (all sensitive: readable with ``os:admin`` only).

``OSRootSecrets/os`` holds the OS CA from the config (``issuingCA`` only where the config has its
key, i.e. control planes), the CAs apid accepts, extra SANs and the join token. ``CertSANs/api`` is
the SAN set of apid's server certificate; ``ApiCertificates/api`` the apid certificates
(note Talos's spelling ``Api``). Certificate pairs print as ``{crt, key}`` in base64 like Talos's
``PEMEncodedCertificateAndKey``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import field

from pytalos.machined.runtime import define
from pytalos.machinery.crypto.x509 import CertificateAndKey

from ._spec import Spec, yaml

NAMESPACE = "secrets"

OS_ROOT_TYPE = "OSRootSecrets.secrets.talos.dev"
API_CERTIFICATES_TYPE = "ApiCertificates.secrets.talos.dev"
CERT_SAN_TYPE = "CertSANs.secrets.talos.dev"

OS_ROOT_ID = "os"
API_ID = "api"
CERT_SAN_API_ID = "api"

DEFINITIONS = (
    define(OS_ROOT_TYPE, NAMESPACE, sensitive=True),
    define(API_CERTIFICATES_TYPE, NAMESPACE, sensitive=True),
    define(CERT_SAN_TYPE, NAMESPACE, sensitive=True),
)

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclasses.dataclass(frozen=True)
class PEMCertificate(Spec):
    """``x509.PEMEncodedCertificate``."""

    crt: bytes = field(default=b"", metadata=yaml("crt"))


@dataclasses.dataclass(frozen=True)
class OSRootSpec(Spec):
    """``secrets.OSRootSpec``."""

    issuing_ca: CertificateAndKey | None = field(default=None, metadata=yaml("issuingCA"))
    accepted_cas: tuple[PEMCertificate, ...] = field(default=(), metadata=yaml("acceptedCAs"))
    cert_san_ips: tuple[IP, ...] = field(default=(), metadata=yaml("certSANIPs"))
    cert_san_dns_names: tuple[str, ...] = field(default=(), metadata=yaml("certSANDNSNames"))
    token: str = field(default="", metadata=yaml("token"))


@dataclasses.dataclass(frozen=True)
class CertSANSpec(Spec):
    """``secrets.CertSANSpec``: sorted, de-duplicated SANs plus the certificate's CN (the FQDN)."""

    ips: tuple[IP, ...] = field(default=(), metadata=yaml("ips"))
    dns_names: tuple[str, ...] = field(default=(), metadata=yaml("dnsNames"))
    fqdn: str = field(default="", metadata=yaml("fqdn"))


@dataclasses.dataclass(frozen=True)
class APICertsSpec(Spec):
    """``secrets.APICertsSpec``; ``client`` is absent on workers (they get no impersonator cert)."""

    accepted_cas: tuple[PEMCertificate, ...] = field(default=(), metadata=yaml("acceptedCAs"))
    client: CertificateAndKey | None = field(default=None, metadata=yaml("client"))
    server: CertificateAndKey | None = field(default=None, metadata=yaml("server"))
