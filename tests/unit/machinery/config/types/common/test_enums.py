"""The shared enum codec base: names, case-insensitive parsing, null as zero, comparisons."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.types.block import VolumeType
from pytalos.machinery.config.types.common.enums import GoEnum, sequential
from pytalos.machinery.config.types.network import BondMode, RoutingTable
from pytalos.machinery.yamlx import Mapping, Node, emit, parse_document

pytestmark = pytest.mark.unit


class Color(GoEnum):
    NAMES = sequential("red", "Green")
    TYPE_NAME = "Color"


def _value(text: str) -> Node:
    node = parse_document(f"v: {text}\n")
    assert isinstance(node, Mapping)
    return node.items[0][1]


def test_parse_exact_then_case_insensitive() -> None:
    assert Color.parse("Green").value == 1
    assert Color.parse("GREEN").value == 1
    with pytest.raises(ValueError, match=r"^blue does not belong to Color values$"):
        Color.parse("blue")


@pytest.mark.parametrize("text", ["", "~", "null"])
def test_null_decodes_to_the_zero_value(text: str) -> None:
    assert Color.decode(_value(text), "v") == Color()


def test_quoted_empty_string_is_not_null() -> None:
    with pytest.raises(DecodeError, match="does not belong to Color values"):
        Color.decode(_value("''"), "v")


def test_decode_rejects_non_scalars_and_unknown_names_with_path() -> None:
    with pytest.raises(DecodeError, match=r"v: expected one of red, Green"):
        Color.decode(_value("[red]"), "v")
    with pytest.raises(DecodeError, match=r"line 1: v: purple does not belong to Color values"):
        Color.decode(_value("purple"), "v")


def test_names_equality_and_hash() -> None:
    assert emit(Color(1).encode()) == "Green\n"
    assert str(Color(7)) == "Color(7)"
    assert Color(1) == "Green" and Color(1) != Color(0)
    assert Color(0) != VolumeType(0)  # same value, different enum
    assert len({Color(1), Color.parse("green")}) == 1
    assert VolumeType.of("disk") == "disk" and BondMode.of("802.3AD").name == "802.3ad"


def test_routing_table_numbers() -> None:
    assert str(RoutingTable.parse("100")) == "100"
    assert RoutingTable.parse("main").value == 254
