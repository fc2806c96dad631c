"""Go's standard base64 decoder: the offsets in its ``illegal base64 data`` errors."""

from __future__ import annotations

import base64

import pytest

from pytalos.machinery.config.types.common.gobase64 import go_base64_decode

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", None),
        ("Zm9v", None),
        ("Zm8=", None),
        ("Zg==", None),
        ("Zm9v\nZm9v\r\n", None),
        ("Zm9", "illegal base64 data at input byte 0"),
        ("C", "illegal base64 data at input byte 0"),
        ("Zg=", "illegal base64 data at input byte 3"),
        ("Zg==Zg==", "illegal base64 data at input byte 4"),
        ("not*base64", "illegal base64 data at input byte 3"),
        ("Z===", "illegal base64 data at input byte 1"),
    ],
)
def test_go_base64(text: str, error: str | None) -> None:
    data, err = go_base64_decode(text)
    assert err == error
    if error is None:
        assert data == base64.b64decode(text.replace("\r", "").replace("\n", ""))
