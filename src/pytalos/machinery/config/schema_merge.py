"""Talos's ``merge.Merge`` over typed structs: the semantics of strategic-merge patches.

Scalars are replaced unless the patch value is zero (booleans always replace), pointers merge
through, slices append unless tagged ``replace``, maps merge key by key, and types with a custom
``Merge`` bring their own function (``yfield(merge=...)``).
"""

from __future__ import annotations

from typing import Any

from .schema import FieldInfo, Struct, is_zero


def merge_values(fi: FieldInfo, left: Any, right: Any, replace: bool = False) -> Any:
    """Talos ``merge.Merge`` for one field: returns the merged value."""
    if callable(fi.merge) and not isinstance(fi.merge, str):
        return fi.merge(left, right)
    replace = replace or fi.merge == "replace"
    if fi.pointer:
        if right is None:
            return left
        if left is None:
            return right
    if fi.kind == "codec":
        if right is None:
            return left
        if left is None:
            return right
        if replace:
            return left if right.is_zero() else right
        return left.merge_from(right)
    if fi.kind == "any":
        if replace:  # e.g. meta.Unstructured with merge:"replace": whole value unless right is empty
            return left if is_zero(right) else right
        return _merge_any(left, right)
    if fi.kind == "scalar":
        if fi.tp is not bool and is_zero(right):
            return left
        return right
    if fi.kind == "struct":
        if replace:
            return left if is_zero(right) else right
        merge_structs(left, right)
        return left
    if fi.kind == "list":
        if not right:
            return left
        if replace:
            return list(right)
        return list(left or []) + list(right)
    if fi.kind == "map":
        if not right:
            return left
        if replace:
            return dict(right)
        assert fi.elem is not None
        merged = dict(left or {})
        for k, v in right.items():
            if merged.get(k) is not None:
                merged[k] = merge_values(fi.elem, merged[k], v)
            else:
                merged[k] = v
        return merged
    raise AssertionError(fi.kind)  # pragma: no cover


def _merge_any(left: Any, right: Any) -> Any:
    if right is None:
        return left
    if left is None:
        return right
    if isinstance(left, dict) and isinstance(right, dict):
        merged = dict(left)
        for k, v in right.items():
            merged[k] = _merge_any(merged.get(k), v) if merged.get(k) is not None else v
        return merged
    if isinstance(left, list) and isinstance(right, list):
        return left + right
    if type(left) is not type(right):
        raise TypeError(f"merge type mismatch left {type(left).__name__} right {type(right).__name__}")
    if not isinstance(right, bool) and is_zero(right):
        return left
    return right


def merge_structs(left: Struct, right: Struct) -> None:
    """Merge ``right`` into ``left`` in place, field by field."""
    if type(left) is not type(right):
        raise TypeError(f"merge type mismatch left {type(left).__name__} right {type(right).__name__}")
    custom = getattr(left, "merge_from", None)
    if callable(custom):
        custom(right)
        return
    for fi in left.fields_info():
        setattr(left, fi.attr, merge_values(fi, getattr(left, fi.attr), getattr(right, fi.attr)))
