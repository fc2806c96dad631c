"""The encryption of affiliate data, as ``siderolabs/discovery-client`` does it.

The key is the cluster secret (``cluster.secret`` / ``DiscoveryIdentityConfig.clusterSecret``,
32 bytes of standard base64: AES-256). Affiliate data is sealed with AES-GCM under a random 96-bit
nonce, without additional data, and sent as ``nonce || ciphertext || tag`` -- the layout Go's
``cipher.NewGCMWithRandomNonce`` (and the older explicit-nonce code) produce, so Talos nodes and
pytalos nodes of one cluster can read each other's affiliates.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_SIZE = 12
KEY_SIZES = (16, 24, 32)


class DiscoveryCryptoError(ValueError):
    """A key or a sealed blob cannot be used; the message says which and why."""


def decode_cluster_secret(secret: str) -> bytes:
    """The AES key from the config's base64 cluster secret (Talos: ``base64.StdEncoding``)."""
    try:
        key = base64.b64decode(secret.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DiscoveryCryptoError(f"cluster secret is not valid base64: {exc}") from None
    if len(key) not in KEY_SIZES:
        raise DiscoveryCryptoError(f"cluster secret decodes to {len(key)} bytes, AES needs 16, 24 or 32")
    return key


def seal(key: bytes, plaintext: bytes) -> bytes:
    """``nonce || AES-GCM(plaintext)`` with a fresh random nonce."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, None)


def open_sealed(key: bytes, data: bytes) -> bytes:
    """The plaintext of :func:`seal`'s output; :class:`DiscoveryCryptoError` when it does not verify."""
    if len(data) < NONCE_SIZE:
        raise DiscoveryCryptoError(f"sealed data is {len(data)} bytes, shorter than the nonce")
    try:
        return AESGCM(key).decrypt(data[:NONCE_SIZE], data[NONCE_SIZE:], None)
    except InvalidTag:
        raise DiscoveryCryptoError("sealed data does not verify (another cluster secret?)") from None
