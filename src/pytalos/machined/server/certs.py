"""The certificates the node's API server presents.

* maintenance mode: a fresh self-signed Ed25519 certificate for the node's names and addresses (Talos
  generates one on every maintenance start; clients connect with ``--insecure``, optionally pinning
  its fingerprint);
* normal mode: a server certificate issued from the OS CA in ``machine.ca`` (Talos's
  ``controllers/secrets/api.go`` does this on control planes). A config whose ``machine.ca`` has no
  key (workers) cannot mint one: Talos asks trustd for it, which comes with the API issue; until then
  such a node presents a self-signed certificate and says so in its log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from pytalos.machinery.crypto.x509 import SERVER_AUTH, CertificateAndKey, IPLike, issue_certificate
from pytalos.machinery.crypto.x509 import new_self_signed_ca as _self_signed

#: Talos's ``constants.TalosAPIDefaultCertificateValidityDuration``-like lifetime for node certs.
SERVER_CERT_VALIDITY = timedelta(days=365)


def dns_names(hostname: str, domainname: str = "") -> list[str]:
    """The names a node certificate carries: hostname, FQDN (with a domain) and ``localhost``; no
    empty name (maintenance mode may have no hostname yet)."""
    names = [hostname, f"{hostname}.{domainname}" if hostname and domainname else "", "localhost"]
    return list(dict.fromkeys(n for n in names if n))


def self_signed_server_cert(
    hostname: str, addresses: Sequence[IPLike], *, domainname: str = ""
) -> CertificateAndKey:
    """A self-signed Ed25519 certificate naming the node (see :func:`dns_names`) and its addresses."""
    return _self_signed(
        organizations=["talos"],
        dns_names=dns_names(hostname, domainname),
        ip_addresses=[*addresses, "127.0.0.1"],
        validity=SERVER_CERT_VALIDITY,
    )


def node_server_cert(
    os_ca: CertificateAndKey, hostname: str, addresses: Sequence[IPLike], *, domainname: str = ""
) -> CertificateAndKey:
    """The API server certificate from the OS CA: CN=hostname, SANs = names and addresses."""
    return issue_certificate(
        os_ca,
        common_name=hostname or "localhost",
        dns_names=dns_names(hostname, domainname),
        ip_addresses=[*addresses, "127.0.0.1"],
        validity=SERVER_CERT_VALIDITY,
        ext_key_usage=[SERVER_AUTH],
    )
