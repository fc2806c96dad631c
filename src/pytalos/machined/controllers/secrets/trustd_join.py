"""A worker's apid server certificate from trustd (Talos ``controllers/secrets/api.go``, worker path).

The worker generates an Ed25519 key and a CSR (CN = FQDN, SANs = ``CertSANs/api``), asks trustd on the
control planes to sign it with the machine token, and checks the answer before using it: the
certificate must be for our key and issued by a CA the worker trusts (``machine.ca.crt`` or one of
``machine.acceptedCAs``: the ``acceptedCAs`` of ``OSRootSecrets``, which include ``machine.ca.crt``).

Which control planes (:func:`trustd_endpoints`): the host of the cluster endpoint
(``cluster.controlPlane.endpoint`` or ``KubeClusterConfig.endpoint``) first, then every address of the
control-plane ``Members`` (cluster discovery), without duplicates. Talos HEAD reads the Kubernetes
control-plane endpoints instead; without Kubernetes here, discovery's members are the equivalent.

The network call is behind :class:`CertificateSigner` (:class:`pytalos.trustd.client.TrustdClient` on
a node, a fake in unit tests).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from pytalos.machined.resources import cluster, secrets
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.types.common.neturl import GoURLError, parse_go_url
from pytalos.machinery.crypto.x509 import (
    CertificateAndKey,
    X509Error,
    create_csr,
    encode_private_key,
    parse_certificate,
)
from pytalos.trustd.client import SignedCertificate, TrustdError

CONTROL_PLANE_TYPES = ("controlplane", "init")


class CertificateSigner(Protocol):
    """Sends a CSR to trustd on ``endpoint`` (a host); raises :class:`TrustdError` naming it."""

    async def sign(
        self, endpoint: str, csr_pem: bytes, token: str, trusted_cas: bytes
    ) -> SignedCertificate: ...


class JoinError(Exception):
    """No endpoint gave a usable certificate; the message lists each endpoint's failure."""


def _endpoint_host(container: Container) -> str:
    doc = container.get("KubeClusterConfig")
    text = str(getattr(getattr(doc, "endpoint", None), "text", "") or "") if doc is not None else ""
    if not text:
        v1 = container.v1alpha1()
        control_plane = getattr(getattr(v1, "cluster_config", None), "control_plane", None)
        endpoint = getattr(control_plane, "endpoint", None)
        text = str(endpoint) if endpoint is not None else ""
    if not text:
        return ""
    try:
        return parse_go_url(text).hostname
    except (GoURLError, ValueError):
        return ""


def trustd_endpoints(container: Container | None, members: Iterable[cluster.MemberSpec]) -> list[str]:
    """The hosts to ask for a signature, in order: the cluster endpoint's host, then the addresses
    of control-plane members (see the module docstring); empty when neither is known."""
    found: list[str] = []
    host = _endpoint_host(container) if container is not None else ""
    if host:
        found.append(host)
    for member in members:
        if member.machine_type in CONTROL_PLANE_TYPES:
            found.extend(str(ip) for ip in member.addresses)
    return list(dict.fromkeys(found))


def ca_bundle(cas: Sequence[secrets.PEMCertificate]) -> bytes:
    return b"".join(c.crt if c.crt.endswith(b"\n") else c.crt + b"\n" for c in cas if c.crt)


def verify_signed(
    crt_pem: bytes, key: ed25519.Ed25519PrivateKey, cas: Sequence[secrets.PEMCertificate]
) -> None:
    """Raise ``ValueError`` unless ``crt_pem`` is for ``key`` and issued by one of ``cas``."""
    try:
        crt = parse_certificate(crt_pem)
    except X509Error as exc:
        raise ValueError(f"unreadable certificate: {exc}") from None
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    public = crt.public_key()
    if not isinstance(public, ed25519.Ed25519PublicKey) or public.public_bytes(
        *raw
    ) != key.public_key().public_bytes(*raw):
        raise ValueError("the certificate is not for the key of our CSR")
    for ca in cas:
        try:
            crt.verify_directly_issued_by(x509.load_pem_x509_certificate(ca.crt))
        except (ValueError, TypeError, InvalidSignature):  # issuer name, key type or signature
            continue
        return
    raise ValueError(
        f"the certificate (issuer {crt.issuer.rfc4514_string()!r}) does not chain to machine.ca.crt "
        "or machine.acceptedCAs"
    )


async def request_server_certificate(
    signer: CertificateSigner,
    endpoints: Sequence[str],
    root: secrets.OSRootSpec,
    sans: secrets.CertSANSpec,
) -> tuple[CertificateAndKey, str]:
    """A trustd-signed server certificate with a fresh key, and the endpoint that signed it.

    Endpoints are tried in order; :class:`JoinError` lists every failure when none succeeded."""
    key = ed25519.Ed25519PrivateKey.generate()
    csr = create_csr(key, common_name=sans.fqdn, dns_names=sans.dns_names, ip_addresses=sans.ips)
    trusted = ca_bundle(root.accepted_cas)
    failures: list[str] = []
    for endpoint in endpoints:
        try:
            signed = await signer.sign(endpoint, csr, root.token, trusted)
            verify_signed(signed.crt, key, root.accepted_cas)
        except TrustdError as err:
            failures.append(str(err))
            continue
        except ValueError as err:
            failures.append(f"trustd at {endpoint}: {err}")
            continue
        return CertificateAndKey(signed.crt, encode_private_key(key)), endpoint
    raise JoinError("; ".join(failures) or "no trustd endpoint")


def members_of(resources: Iterable[Any]) -> list[cluster.MemberSpec]:
    return [r.spec for r in resources if isinstance(r.spec, cluster.MemberSpec)]
