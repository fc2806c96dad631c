"""The node's etcd certificates, issued from the cluster's etcd CA (secrets bundle ``certs.etcd``).

Talos's ``internal/pkg/etcd/certs.go`` issues three key pairs on every control plane, re-issued
whenever the node's addresses or hostname change (``controllers/secrets/etcd.go``) and written to
``/system/secrets/etcd`` by ``controllers/etcd/pki.go``:

* **server** (``server.crt``): CN=hostname, SANs = hostname (+ FQDN), ``localhost``, node IPs,
  ``127.0.0.1`` and ``::1`` when the node has an IPv6 address; serverAuth+clientAuth;
* **peer** (``peer.crt``): same without the localhost names; serverAuth+clientAuth (peers dial
  each other, so the certificate is both);
* **admin** (``admin.crt``): a client certificate without SANs, clientAuth only, used by machined's
  own client (health, member list, snapshots).

All are valid 87600h (10 years, like the CA), KeyUsage DigitalSignature|KeyEncipherment, with a
fresh key of the CA's algorithm (ECDSA P-256 for bundles from ``gen secrets``).
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pytalos.machinery.crypto.x509 import (
    CLIENT_AUTH,
    SERVER_AUTH,
    CertificateAndKey,
    IPLike,
    KeyUsage,
    issue_certificate,
)

from .layout import EtcdLayout

#: ``x509.NotAfter(time.Now().Add(87600 * time.Hour))`` in ``certs.go``.
ETCD_CERT_VALIDITY = timedelta(hours=87600)
#: Common name of machined's own etcd client certificate.
ADMIN_COMMON_NAME = "talos"
_USAGE = KeyUsage.DIGITAL_SIGNATURE | KeyUsage.KEY_ENCIPHERMENT

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class NodeIdentity:
    """What the certificates name: the node's hostname, optional domain and its addresses."""

    hostname: str
    addresses: Sequence[IPLike] = ()
    domainname: str = ""

    def dns_names(self) -> list[str]:
        """``HostnameStatusSpec.DNSNames``: the hostname, then the FQDN when a domain is set."""
        names = [self.hostname]
        if self.domainname:
            names.append(f"{self.hostname}.{self.domainname}")
        return names

    def ips(self) -> list[IP]:
        return [ipaddress.ip_address(a) for a in self.addresses]


@dataclass(frozen=True)
class EtcdCerts:
    """The three key pairs of ``secrets.Etcd``."""

    server: CertificateAndKey
    peer: CertificateAndKey
    admin: CertificateAndKey


def _with_localhost(node: NodeIdentity) -> tuple[list[str], list[IP]]:
    ips = node.ips()
    extra: list[IP] = [ipaddress.IPv4Address("127.0.0.1")]
    if any(ip.version == 6 for ip in ips):
        extra.append(ipaddress.IPv6Address("::1"))
    return [*node.dns_names(), "localhost"], _unique([*ips, *extra])


def _unique(ips: Sequence[IP]) -> list[IP]:
    return list(dict.fromkeys(ips))


def issue_server_cert(
    ca: CertificateAndKey, node: NodeIdentity, *, now: datetime | None = None
) -> CertificateAndKey:
    """The client-facing serving certificate (also accepted as a client certificate)."""
    dns, ips = _with_localhost(node)
    return issue_certificate(
        ca,
        common_name=node.hostname,
        dns_names=dns,
        ip_addresses=ips,
        not_before=now,
        validity=ETCD_CERT_VALIDITY,
        key_usage=_USAGE,
        ext_key_usage=(SERVER_AUTH, CLIENT_AUTH),
    )


def issue_peer_cert(
    ca: CertificateAndKey, node: NodeIdentity, *, now: datetime | None = None
) -> CertificateAndKey:
    """The peer certificate: node names and addresses only (peers never dial localhost)."""
    return issue_certificate(
        ca,
        common_name=node.hostname,
        dns_names=node.dns_names(),
        ip_addresses=_unique(node.ips()),
        not_before=now,
        validity=ETCD_CERT_VALIDITY,
        key_usage=_USAGE,
        ext_key_usage=(SERVER_AUTH, CLIENT_AUTH),
    )


def issue_client_cert(
    ca: CertificateAndKey, common_name: str = ADMIN_COMMON_NAME, *, now: datetime | None = None
) -> CertificateAndKey:
    """``GenerateClientCert``: no SANs, clientAuth only."""
    return issue_certificate(
        ca,
        common_name=common_name,
        not_before=now,
        validity=ETCD_CERT_VALIDITY,
        key_usage=_USAGE,
        ext_key_usage=(CLIENT_AUTH,),
    )


def issue_etcd_certs(ca: CertificateAndKey, node: NodeIdentity, *, now: datetime | None = None) -> EtcdCerts:
    """Server, peer and admin certificates for ``node`` from the etcd CA."""
    return EtcdCerts(
        server=issue_server_cert(ca, node, now=now),
        peer=issue_peer_cert(ca, node, now=now),
        admin=issue_client_cert(ca, now=now),
    )


def _write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically with mode 0400 (a running etcd never sees a half-written file)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o400)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_pki(layout: EtcdLayout, ca: CertificateAndKey, certs: EtcdCerts) -> None:
    """Write CA and key pairs where etcd's command line expects them (``controllers/etcd/pki.go``)."""
    try:
        layout.pki_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(layout.pki_dir, 0o700)
        for path, data in (
            (layout.ca_cert, ca.crt),
            (layout.ca_key, ca.key),
            (layout.server_cert, certs.server.crt),
            (layout.server_key, certs.server.key),
            (layout.peer_cert, certs.peer.crt),
            (layout.peer_key, certs.peer.key),
            (layout.admin_cert, certs.admin.crt),
            (layout.admin_key, certs.admin.key),
        ):
            _write_private(path, data)
    except OSError as exc:
        raise OSError(exc.errno, f"writing etcd PKI under {layout.pki_dir}: {exc.strerror}") from exc
