"""Go's ``%q`` and the hashicorp multierror text: the exact strings Talos prints."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.errors import ValidationError
from pytalos.machinery.config.types.common.gofmt import go_quote, multierror_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain", '"plain"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("\a\b\f\n\r\t\v", '"\\a\\b\\f\\n\\r\\t\\v"'),
        ("\x01\x7f", '"\\x01\\x7f"'),
        ("é ü", '"é ü"'),
        ("\u00a0\u200b", '"\\u00a0\\u200b"'),  # non-ASCII space and format characters are escaped
        ("\U000e0001", '"\\U000e0001"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted


def test_multierror_text() -> None:
    assert multierror_text(["a"]) == "1 error occurred:\n\t* a\n\n"
    assert multierror_text(["a", "b"]) == "2 errors occurred:\n\t* a\n\t* b\n\n"


def test_validation_error_prints_the_multierror() -> None:
    err = ValidationError(["a", "b"], source="x.yaml")
    assert err.errors == ["a", "b"]
    assert str(err) == "x.yaml: 2 errors occurred:\n\t* a\n\t* b\n\n"
