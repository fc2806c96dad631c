"""The cluster's certificate authorities, admin client certificate and random tokens.

Mirrors ``pkg/machinery/config/generate/secrets/{ca,utils}.go``: which algorithm and subject each CA
gets (etcd and Kubernetes: ECDSA P-256 with O=etcd / O=kubernetes; aggregator: ECDSA with an empty
subject; Talos API: Ed25519 with O=talos; all valid 87600h), how the admin talosconfig certificate is
cut (O=<roles>, DigitalSignature, ExtKeyUsage exactly [clientAuth], 1 year), and how kubeadm-style
``abcdef.0123456789abcdef`` tokens are drawn.  Kept apart from the bundle so ``talosctl config`` and
the node-side API code can mint client certificates without touching bundle serialisation.
"""

from __future__ import annotations

import base64
import secrets as _random
from collections.abc import Iterable
from datetime import datetime, timedelta

from pytalos.machinery import role
from pytalos.machinery.crypto.x509 import (
    CA_VALIDITY,
    CLIENT_AUTH,
    CertificateAndKey,
    KeyAlgorithm,
    KeyUsage,
    PEMEncodedKey,
    encode_private_key,
    generate_private_key,
    issue_certificate,
    new_self_signed_ca,
)

#: ``constants.TalosAPIDefaultCertificateValidityDuration``.
ADMIN_CERT_TTL = timedelta(days=365)
#: ``constants.DefaultClusterIDSize`` / ``DefaultClusterSecretSize``.
CLUSTER_ID_SIZE = 32
CLUSTER_SECRET_SIZE = 32

_TOKEN_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"


def new_etcd_ca(now: datetime | None = None) -> CertificateAndKey:
    return new_self_signed_ca(
        organizations=["etcd"], algorithm=KeyAlgorithm.ECDSA, not_before=now, validity=CA_VALIDITY
    )


def new_kubernetes_ca(now: datetime | None = None) -> CertificateAndKey:
    return new_self_signed_ca(
        organizations=["kubernetes"], algorithm=KeyAlgorithm.ECDSA, not_before=now, validity=CA_VALIDITY
    )


def new_aggregator_ca(now: datetime | None = None) -> CertificateAndKey:
    """Front-proxy CA.  Go passes ``CommonName("front-proxy")`` but the CA builder only sets O=, so the
    subject is empty (as in every Talos-generated secrets.yaml)."""
    return new_self_signed_ca(algorithm=KeyAlgorithm.ECDSA, not_before=now, validity=CA_VALIDITY)


def new_talos_ca(now: datetime | None = None) -> CertificateAndKey:
    return new_self_signed_ca(
        organizations=["talos"], algorithm=KeyAlgorithm.ED25519, not_before=now, validity=CA_VALIDITY
    )


def new_service_account_key(use_rsa: bool) -> PEMEncodedKey:
    """RSA-4096 for contracts newer than v1.6 (``UseRSAServiceAccountKey``), ECDSA P-256 before."""
    algorithm = KeyAlgorithm.RSA if use_rsa else KeyAlgorithm.ECDSA
    return PEMEncodedKey(encode_private_key(generate_private_key(algorithm)))


def new_admin_certificate(
    os_ca: CertificateAndKey,
    roles: Iterable[str] = (role.ADMIN,),
    ttl: timedelta = ADMIN_CERT_TTL,
    now: datetime | None = None,
) -> CertificateAndKey:
    """``NewAdminCertificateAndKey``: a client certificate from the Talos API CA.

    Subject is O=<each role, sorted> with no common name; the key has the CA's algorithm (Ed25519 for
    a Talos CA); KeyUsage DigitalSignature and ExtKeyUsage exactly [clientAuth], which apid requires.
    """
    return issue_certificate(
        os_ca,
        organizations=role.RoleSet(roles).strings(),
        not_before=now,
        validity=ttl,
        key_usage=KeyUsage.DIGITAL_SIGNATURE,
        ext_key_usage=[CLIENT_AUTH],
    )


def _token_part(length: int) -> str:
    out: list[str] = []
    while len(out) < length:
        byte = _random.token_bytes(1)[0]
        if byte < 252:  # 252 = 7 * 36: reject the tail so every character is equally likely
            out.append(_TOKEN_CHARS[byte % len(_TOKEN_CHARS)])
    return "".join(out)


def gen_token(first: int = 6, second: int = 16) -> str:
    """kubeadm/trustd style token ``[0-9a-z]{first}.[0-9a-z]{second}``."""
    return f"{_token_part(first)}.{_token_part(second)}"


def random_b64(size: int) -> str:
    """``size`` random bytes, standard base64 (cluster id/secret, secretbox/aescbc keys)."""
    return base64.b64encode(_random.token_bytes(size)).decode()
