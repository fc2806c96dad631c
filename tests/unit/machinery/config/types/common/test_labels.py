"""The shared Kubernetes name checks: None when valid, Talos's texts (with Go quoting) otherwise."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.types.common.labels import (
    validate_annotations,
    validate_dns1123_subdomain,
    validate_label_value,
    validate_labels,
    validate_qualified_name,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("example.com/name", None),
        ("name\n", 'name "name\\n" is invalid'),  # Go's $ does not match before a trailing newline
        ("a/b/c", 'invalid format: too many slashes: "a/b/c"'),
        ('x"y', 'name "x\\"y" is invalid'),
    ],
)
def test_qualified_name(value: str, error: str | None) -> None:
    assert validate_qualified_name(value) == error


def test_subdomain_and_label_value() -> None:
    assert validate_dns1123_subdomain("a.b-c") is None
    assert validate_dns1123_subdomain("A") == 'domain doesn\'t match required format: "A"'
    assert validate_label_value("") is None
    assert validate_label_value("v" * 64).startswith("label value length exceeds limit of 63")


def test_collections_join_as_multierror() -> None:
    assert validate_labels({}) is None
    assert validate_labels({"-": "ok", "k": "-"}) == (
        '2 errors occurred:\n\t* name "-" is invalid\n\t* label value "-" is invalid\n\n'
    )
    assert validate_annotations({"talos.dev/owned-labels": "x"}) == (
        '1 error occurred:\n\t* annotation "talos.dev/owned-labels" is reserved\n\n'
    )
