"""The string-valued codec base shared by URL and CEL expressions."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.types.common.cel import Expression
from pytalos.machinery.config.types.common.url import URL
from pytalos.machinery.yamlx import Mapping, Node, emit, parse_document

pytestmark = pytest.mark.unit


def _value(text: str) -> Node:
    node = parse_document(f"v: {text}\n")
    assert isinstance(node, Mapping)
    return node.items[0][1]


@pytest.mark.parametrize("codec", [URL, Expression])
def test_null_is_zero_and_text_round_trips(codec: type[URL] | type[Expression]) -> None:
    assert codec.decode(_value("~"), "v").is_zero()
    value = codec.decode(_value("'a == b'"), "v") if codec is Expression else codec.decode(_value("x"), "v")
    assert not value.is_zero()
    assert emit(value.encode()) == f"{value.text}\n"


def test_errors_name_the_field() -> None:
    with pytest.raises(DecodeError, match="line 1: v: expected a URL string"):
        URL.decode(_value("[a]"), "v")
    with pytest.raises(DecodeError, match="line 1: v: expected a CEL expression string"):
        Expression.decode(_value("{a: 1}"), "v")
    with pytest.raises(DecodeError, match='v: parse "://x": missing protocol scheme'):
        URL.decode(_value("'://x'"), "v")


def test_expression_validation_is_not_run_while_decoding() -> None:
    expr = Expression.decode(_value("'a &&'"), "v")
    assert expr.validate() is not None and expr.validate().startswith("ERROR: <input>:1:5:")
