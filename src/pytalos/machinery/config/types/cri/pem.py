"""PEM checks used by the registry TLS document, mirroring Go's ``encoding/pem`` and cert pools.

Talos accepts a CA only when Go's ``CertPool.AppendCertsFromPEM`` finds a parseable certificate, and
a client identity only when both halves hold PEM blocks of the right type; the same decisions (and
messages) are reproduced with :mod:`cryptography` for the X.509 parse.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography import x509

PEM_TYPE_CERTIFICATE = "CERTIFICATE"

_BLOCK = re.compile(
    r"-----BEGIN (?P<type>[^\r\n-][^\r\n]*?)-----[ \t]*\r?\n(?P<body>.*?)(?:\r?\n)?-----END (?P=type)-----",
    re.DOTALL,
)


@dataclass
class PEMBlock:
    """One decoded PEM block (Go ``pem.Block``)."""

    type: str
    headers: dict[str, str]
    data: bytes


def decode_pem_blocks(text: str) -> list[PEMBlock]:
    """Every well-formed PEM block in ``text``, in order; malformed ones are skipped like Go does."""
    blocks: list[PEMBlock] = []
    for match in _BLOCK.finditer(text):
        lines = match.group("body").splitlines()
        headers: dict[str, str] = {}
        while lines and ":" in lines[0]:
            key, _, value = lines.pop(0).partition(":")
            headers[key.strip()] = value.strip()
        if headers and lines and not lines[0].strip():
            lines.pop(0)
        payload = "".join(line.strip() for line in lines)
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            continue
        blocks.append(PEMBlock(match.group("type"), headers, data))
    return blocks


def assert_valid_pem(text: str, *expected_types: str) -> str | None:
    """Go ``meta.AssertValidPEM``: at least one block, each of an expected type; the error or None."""
    blocks = decode_pem_blocks(text)
    for block in blocks:
        if expected_types and block.type not in expected_types:
            quoted = "[" + " ".join(f'"{t}"' for t in expected_types) + "]"
            return f'unexpected PEM block type "{block.type}", expected one of {quoted}'
    if not blocks:
        return "no PEM blocks found"
    return None


def has_parseable_certificate(text: str) -> bool:
    """Go ``CertPool.AppendCertsFromPEM``: True when at least one CERTIFICATE block parses."""
    for block in decode_pem_blocks(text):
        if block.type != PEM_TYPE_CERTIFICATE or block.headers:
            continue
        try:
            x509.load_der_x509_certificate(block.data)
        except ValueError:
            continue
        return True
    return False
