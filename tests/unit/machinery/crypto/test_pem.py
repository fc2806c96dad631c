"""The shared PEM decoder follows Go's ``encoding/pem``: line-anchored markers, headers, skip-on-error."""

from __future__ import annotations

import pytest

from pytalos.machinery.crypto import x509
from pytalos.machinery.crypto.pem import PEMBlock, pem_decode, pem_decode_all, pem_encode

pytestmark = pytest.mark.unit


def test_blocks_with_headers_and_trailing_blanks() -> None:
    text = b"-----BEGIN X-Y-----  \nProc-Type: 4,ENCRYPTED\nDEK: a\n\nAQID\n-----END X-Y-----\n"
    assert pem_decode_all(text) == [
        PEMBlock("X-Y", b"\x01\x02\x03", {"Proc-Type": "4,ENCRYPTED", "DEK": "a"})
    ]


def test_broken_blocks_are_skipped_and_markers_must_start_a_line() -> None:
    good = pem_encode("CERTIFICATE", b"\x01")
    broken = b"-----BEGIN A-----\n!!!!\n-----END A-----\n"
    mid_line = b"junk -----BEGIN B-----\nAQ==\n-----END B-----\n"
    mismatched = b"-----BEGIN C-----\nAQ==\n-----END D-----\n"
    blocks = pem_decode_all(broken + mid_line + mismatched + good)
    assert [b.type for b in blocks] == ["CERTIFICATE"]
    assert pem_decode(b"no pem") is None


def test_empty_body_and_text_input() -> None:
    assert pem_decode_all("-----BEGIN E-----\n-----END E-----") == [PEMBlock("E", b"")]


def test_x509_keeps_the_pem_names() -> None:
    assert x509.pem_decode is pem_decode and x509.X509Error.__module__ == "pytalos.machinery.crypto.pem"
    with pytest.raises(x509.X509Error, match="failed to parse PEM block"):
        x509.parse_private_key(b"nothing")
