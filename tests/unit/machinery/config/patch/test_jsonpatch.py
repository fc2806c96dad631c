"""RFC 6902 operations on plain data, and JSON6902 on config text."""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.patch import JSONPatch, JSONPatchError, apply_operations, json6902


def _ops(*ops: dict[str, Any]) -> list[dict[str, Any]]:
    return list(ops)


def test_add_to_object_and_array() -> None:
    doc = {"a": {"b": [1, 2]}}
    out = apply_operations(
        doc,
        _ops(
            {"op": "add", "path": "/a/c", "value": "x"},
            {"op": "add", "path": "/a/b/0", "value": 0},
            {"op": "add", "path": "/a/b/-", "value": 3},
        ),
    )
    assert out == {"a": {"b": [0, 1, 2, 3], "c": "x"}}
    assert doc == {"a": {"b": [1, 2]}}  # input untouched


def test_remove_replace_move_copy_test() -> None:
    doc = {"a": 1, "b": [1, 2, 3], "c": {"d": "e"}}
    out = apply_operations(
        doc,
        _ops(
            {"op": "remove", "path": "/b/1"},
            {"op": "replace", "path": "/a", "value": 2},
            {"op": "move", "from": "/c/d", "path": "/f"},
            {"op": "copy", "from": "/b", "path": "/g"},
            {"op": "test", "path": "/f", "value": "e"},
        ),
    )
    assert out == {"a": 2, "b": [1, 3], "c": {}, "f": "e", "g": [1, 3]}


def test_pointer_escapes() -> None:
    out = apply_operations({"a/b": {"m~n": 1}}, _ops({"op": "replace", "path": "/a~1b/m~0n", "value": 2}))
    assert out == {"a/b": {"m~n": 2}}


def test_replace_root() -> None:
    assert apply_operations({"a": 1}, _ops({"op": "replace", "path": "", "value": [1]})) == [1]


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        ([{"op": "add", "path": "/x/y", "value": 1}], "doc is missing path"),
        ([{"op": "remove", "path": "/nope"}], "doc is missing key"),
        ([{"op": "replace", "path": "/nope", "value": 1}], "doc is missing key"),
        ([{"op": "add", "path": "/l/5", "value": 1}], "out of bounds"),
        ([{"op": "add", "path": "/l/01", "value": 1}], "invalid array index"),
        ([{"op": "test", "path": "/l/0", "value": 2}], "testing value '/l/0' failed"),
        ([{"op": "jump", "path": "/l"}], "unexpected op 'jump'"),
        ([{"op": "add", "value": 1}], "missing 'path'"),
        ([{"op": "add", "path": "/a"}], "missing 'value'"),
        ([{"op": "move", "from": "/l", "path": "/l/0"}], "into its own child"),
        ([{"op": "add", "path": "a", "value": 1}], "invalid JSON pointer"),
    ],
)
def test_errors(ops: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(JSONPatchError, match=message):
        apply_operations({"l": [1]}, ops)


def test_test_op_distinguishes_bool_from_int() -> None:
    with pytest.raises(JSONPatchError):
        apply_operations({"a": 1}, _ops({"op": "test", "path": "/a", "value": True}))


def test_json6902_on_text() -> None:
    out = json6902(
        "machine:\n  kubelet: {}\n",
        JSONPatch(
            [{"op": "add", "path": "/machine/kubelet/extraArgs", "value": {"cloud-provider": "external"}}]
        ),
    )
    assert out == "machine:\n    kubelet:\n        extraArgs:\n            cloud-provider: external\n"


def test_json6902_rejects_multidoc_and_reports_failures() -> None:
    with pytest.raises(ConfigError, match="not supported for multi-document"):
        json6902("a: 1\n---\nb: 2\n", JSONPatch([]))
    with pytest.raises(ConfigError, match="failure applying rfc6902 patches to talos machine config"):
        json6902("a: 1\n", JSONPatch([{"op": "remove", "path": "/b"}]))
