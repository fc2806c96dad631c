"""Affiliate encryption as Talos's discovery client does it: nonce || AES-GCM, key = cluster secret."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from pytalos.discovery.crypto import (
    NONCE_SIZE,
    DiscoveryCryptoError,
    decode_cluster_secret,
    open_sealed,
    seal,
)
from pytalos.machinery.config.generate.generator import generate
from pytalos.machinery.config.generate.input import Input
from pytalos.machinery.config.loader import load

pytestmark = pytest.mark.unit

KEY = bytes(range(32))


def test_round_trip_and_layout() -> None:
    sealed = seal(KEY, b"affiliate")
    assert len(sealed) == NONCE_SIZE + len(b"affiliate") + 16  # Go's GCM overhead: 12-byte nonce + tag
    assert open_sealed(KEY, sealed) == b"affiliate"
    assert seal(KEY, b"affiliate") != sealed  # a fresh nonce every time


def test_reads_what_go_writes() -> None:
    # Go: gcm.Seal(nonce, nonce, plaintext, nil) -- the nonce prefix, then ciphertext and tag, no AAD
    nonce = bytes(12)
    go_blob = nonce + AESGCM(KEY).encrypt(nonce, b"\x0a\x02id", None)
    assert open_sealed(KEY, go_blob) == b"\x0a\x02id"


def test_wrong_key_tampering_and_short_data_fail() -> None:
    sealed = seal(KEY, b"x")
    with pytest.raises(DiscoveryCryptoError, match="does not verify"):
        open_sealed(os.urandom(32), sealed)
    with pytest.raises(DiscoveryCryptoError, match="does not verify"):
        open_sealed(KEY, sealed[:-1] + bytes([sealed[-1] ^ 1]))
    with pytest.raises(DiscoveryCryptoError, match="shorter than the nonce"):
        open_sealed(KEY, b"abc")


def test_cluster_secret_of_a_generated_config() -> None:
    doc = load(generate(Input("demo", "https://10.5.0.2:6443", "v1.31.2"), "worker").bytes()).get(
        "DiscoveryIdentityConfig"
    )
    assert doc is not None
    assert len(decode_cluster_secret(doc.cluster_secret)) == 32  # type: ignore[attr-defined]
    with pytest.raises(DiscoveryCryptoError, match="not valid base64"):
        decode_cluster_secret("***")
    with pytest.raises(DiscoveryCryptoError, match="decodes to 3 bytes"):
        decode_cluster_secret(base64.b64encode(b"abc").decode())
