"""PEM blocks and private-key encoding with Go's ``encoding/pem`` rules and Talos's key labels.

Every PEM check in pytalos (the X.509 helpers, ``talosctl gen``, the config documents' certificate
checks) must accept and reject exactly what Go does: blocks start at a line beginning with
``-----BEGIN``, optional ``Key: value`` headers follow, the body is base64 (spaces, tabs and line
breaks ignored) and a broken block is skipped rather than fatal. Talos also writes private keys under
its own labels (``ED25519 PRIVATE KEY`` for PKCS#8 Ed25519, SEC1 ``EC PRIVATE KEY``, PKCS#1
``RSA PRIVATE KEY``). This module holds that one decoder/encoder and the key (de)serialisation;
:mod:`pytalos.machinery.crypto.x509` re-exports the names for its callers.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import TypeAlias

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

PrivateKey: TypeAlias = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

PEM_RSA_PRIVATE = "RSA PRIVATE KEY"
PEM_EC_PRIVATE = "EC PRIVATE KEY"
PEM_ED25519_PRIVATE = "ED25519 PRIVATE KEY"
PEM_PRIVATE = "PRIVATE KEY"
PEM_CERTIFICATE = "CERTIFICATE"
PEM_CERTIFICATE_REQUEST = "CERTIFICATE REQUEST"

#: A private key equal to this marker is a redacted key; it is written to YAML as-is.
REDACTED = b"******"

_BEGIN = b"-----BEGIN "
_END = b"-----END "
_DASHES = b"-----"


class X509Error(ValueError):
    """A key, certificate or CSR could not be parsed or produced; the text says which and why."""


@dataclass(frozen=True)
class PEMBlock:
    """One decoded PEM block (Go ``pem.Block``)."""

    type: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _get_line(data: bytes) -> tuple[bytes, bytes]:
    """Go's ``getLine``: the first line without its line break and trailing blanks, and the rest."""
    end = data.find(b"\n")
    if end < 0:
        return data.rstrip(b" \t"), b""
    line = data[:end]
    if line.endswith(b"\r"):
        line = line[:-1]
    return line.rstrip(b" \t"), data[end + 1 :]


def _decode_body(body: bytes) -> bytes | None:
    payload = bytes(b for b in body if b not in b" \t\r\n")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None


def _decode_next(rest: bytes) -> tuple[PEMBlock | None, bytes]:
    """Go's ``pem.Decode``: the next well-formed block and what follows it (None when there is none)."""
    while True:
        if rest.startswith(_BEGIN):
            rest = rest[len(_BEGIN) :]
        else:
            start = rest.find(b"\n" + _BEGIN)
            if start < 0:
                return None, rest
            rest = rest[start + 1 + len(_BEGIN) :]
        type_line, rest = _get_line(rest)
        if not type_line.endswith(_DASHES):
            continue
        block_type = type_line[: -len(_DASHES)]
        headers: dict[str, str] = {}
        while rest:
            line, following = _get_line(rest)
            key, sep, value = line.partition(b":")
            if not sep:
                break
            headers[key.strip().decode("utf-8", "replace")] = value.strip().decode("utf-8", "replace")
            rest = following
        if rest.startswith(_END):
            end, trailer = 0, len(_END)
        else:
            end = rest.find(b"\n" + _END)
            trailer = end + 1 + len(_END)
        if end < 0:
            continue
        end_line, following = _get_line(rest[trailer:])
        if end_line != block_type + _DASHES:
            continue
        data = _decode_body(rest[:end])
        if data is None:
            continue
        return PEMBlock(block_type.decode("utf-8", "replace"), data, headers), following


def pem_decode_all(data: bytes | str) -> list[PEMBlock]:
    """Every well-formed PEM block in ``data``, in order (malformed ones are skipped, as Go does)."""
    rest = data.encode() if isinstance(data, str) else data
    blocks: list[PEMBlock] = []
    while True:
        block, rest = _decode_next(rest)
        if block is None:
            return blocks
        blocks.append(block)


def pem_decode(data: bytes) -> tuple[str, bytes] | None:
    """First PEM block in ``data`` as (type, DER), or None like Go's ``pem.Decode``."""
    block, _ = _decode_next(data)
    return None if block is None else (block.type, block.data)


def pem_encode(block_type: str, der: bytes) -> bytes:
    """Go's ``pem.EncodeToMemory`` for a block without headers (64-column base64 lines)."""
    body = base64.b64encode(der)
    lines = [body[i : i + 64] + b"\n" for i in range(0, len(body), 64)]
    return b"".join(
        [f"-----BEGIN {block_type}-----\n".encode(), *lines, f"-----END {block_type}-----\n".encode()]
    )


# --- private keys ----------------------------------------------------------------------------------


def encode_private_key(key: PrivateKey) -> bytes:
    """PEM with Talos's labels: ED25519 PRIVATE KEY (PKCS#8), EC PRIVATE KEY (SEC1), RSA PRIVATE KEY."""
    enc = serialization.Encoding.DER
    none = serialization.NoEncryption()
    if isinstance(key, ed25519.Ed25519PrivateKey):
        der = key.private_bytes(enc, serialization.PrivateFormat.PKCS8, none)
        return pem_encode(PEM_ED25519_PRIVATE, der)
    trad = serialization.PrivateFormat.TraditionalOpenSSL
    label = PEM_EC_PRIVATE if isinstance(key, ec.EllipticCurvePrivateKey) else PEM_RSA_PRIVATE
    return pem_encode(label, key.private_bytes(enc, trad, none))


def _load_der_key(der: bytes, what: str) -> PrivateKey:
    try:
        # RSA keys: skip the expensive consistency check (about 0.3 s for 4096 bits); the key comes
        # from a config or bundle we parse, and signing with a broken key fails loudly anyway
        key = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError) as exc:
        raise X509Error(f"failed to parse {what}: {exc}") from exc
    if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise X509Error(f"unsupported key type {type(key).__name__}")
    return key


_KEY_KINDS: dict[str, tuple[str, type[PrivateKey]]] = {
    PEM_RSA_PRIVATE: ("RSA key", rsa.RSAPrivateKey),
    PEM_EC_PRIVATE: ("ECDSA key", ec.EllipticCurvePrivateKey),
    PEM_ED25519_PRIVATE: ("Ed25519 key", ed25519.Ed25519PrivateKey),
}


def _parse_key(data: bytes, unsupported_sep: str) -> PrivateKey:
    block = pem_decode(data)
    if block is None:
        raise X509Error("failed to parse PEM block")
    block_type, der = block
    if block_type == PEM_PRIVATE:
        return _load_der_key(der, "key")
    if block_type not in _KEY_KINDS:
        raise X509Error(f'unsupported key type{unsupported_sep}"{block_type}"')
    what, kind = _KEY_KINDS[block_type]
    key = _load_der_key(der, what)
    if not isinstance(key, kind):
        if kind is ed25519.Ed25519PrivateKey:
            raise X509Error("failed parsing Ed25519 key, got wrong key type")
        raise X509Error(f"failed to parse {what}: PEM label {block_type!r} holds a {type(key).__name__}")
    return key


def parse_private_key(data: bytes) -> PrivateKey:
    """Parse any Talos private key PEM (errors worded like ``PEMEncodedCertificateAndKey.GetKey``)."""
    return _parse_key(data, ": ")


def b64_field(data: bytes) -> str:
    """A PEM blob as Talos writes it inside YAML: base64, except the redaction marker kept verbatim."""
    return data.decode() if data == REDACTED else base64.b64encode(data).decode()


def unb64_field(text: str, where: str) -> bytes:
    """Inverse of :func:`b64_field`; :class:`X509Error` naming ``where`` on bad base64."""
    if text.encode() == REDACTED:
        return REDACTED
    try:
        return base64.b64decode(text.encode(), validate=True)
    except ValueError as exc:
        raise X509Error(f"{where}: illegal base64 data: {exc}") from exc


@dataclass(frozen=True)
class PEMEncodedKey:
    """A lone private key (the Kubernetes service-account key); YAML form ``{key: base64(PEM)}``."""

    key: bytes

    @property
    def key_b64(self) -> str:
        return b64_field(self.key)

    @classmethod
    def from_b64(cls, key: str, where: str = "key") -> PEMEncodedKey:
        return cls(unb64_field(key, where))

    def get_key(self) -> PrivateKey:
        return _parse_key(self.key, " ")
