"""PEM material embedded in the v1alpha1 document (``machine.ca``, ``cluster.ca``, ``cluster.etcd.ca``…).

Talos stores certificates and keys as base64-encoded PEM under ``crt``/``key`` (siderolabs/crypto's
``PEMEncodedCertificateAndKey``). Its YAML form always writes both keys, so a worker's machine CA
comes out as ``key: ""``; a patch replaces each blob wholesale (Go merges ``[]byte`` by replacement).
Modelling them as small structs of :class:`Base64Bytes` gives exactly that behaviour.
"""

from __future__ import annotations

from ...codecs import Base64Bytes
from ...schema import Struct, yfield


class PEMEncodedCertificateAndKey(Struct):
    """A certificate and its private key, both PEM, written base64-encoded."""

    crt: Base64Bytes = yfield("crt", default_factory=Base64Bytes, doc="Base64-encoded PEM certificate.")
    key: Base64Bytes = yfield("key", default_factory=Base64Bytes, doc="Base64-encoded PEM private key.")

    @classmethod
    def of(cls, crt: bytes, key: bytes = b"") -> PEMEncodedCertificateAndKey:
        """Build from raw PEM bytes."""
        return cls(Base64Bytes(crt), Base64Bytes(key))


class PEMEncodedCertificate(Struct):
    """A PEM certificate alone (accepted CAs), written base64-encoded."""

    crt: Base64Bytes = yfield("crt", default_factory=Base64Bytes, doc="Base64-encoded PEM certificate.")


class PEMEncodedKey(Struct):
    """A PEM private key alone (service account key), written base64-encoded."""

    key: Base64Bytes = yfield("key", default_factory=Base64Bytes, doc="Base64-encoded PEM private key.")
