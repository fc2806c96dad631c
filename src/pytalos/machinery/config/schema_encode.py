"""Encoding typed structs back into YAML nodes like go-yaml v3 (the write half of ``schema``).

Field order, ``omitempty`` (pointer-aware), inline members, sorted map keys, and the optional
documentation and example comments of ``--with-docs``/``--with-examples`` are decided here.
"""

from __future__ import annotations

import copy
from typing import Any

from ..yamlx import Mapping, Node, Scalar, Sequence, Style, go_key_sort, to_node
from .schema import FieldInfo, Struct, field_is_zero


def encode_value(fi: FieldInfo, value: Any, with_docs: bool = False, with_examples: bool = False) -> Node:
    if value is None:
        if fi.kind == "list" and not fi.pointer:
            return Sequence(flow=True)
        if fi.kind == "map" and not fi.pointer:
            return Mapping(flow=True)
        return Scalar("null", "!!null", Style.PLAIN)
    if fi.kind == "struct":
        return encode_struct(value, with_docs, with_examples)
    if fi.kind == "codec":
        node: Node = value.encode()
        return node
    if fi.kind == "any":
        return to_node(value, sort_keys=True)
    if fi.kind == "list":
        assert fi.elem is not None
        return Sequence([encode_value(fi.elem, v, with_docs, with_examples) for v in value])
    if fi.kind == "map":
        assert fi.elem is not None
        elem = fi.elem
        return Mapping(
            [
                (Scalar(k, "!!str", Style.ANY), encode_value(elem, value[k], with_docs, with_examples))
                for k in go_key_sort(list(value))
            ]
        )
    if fi.kind == "scalar":
        return to_node(value)
    raise AssertionError(fi.kind)  # pragma: no cover


def encode_struct(obj: Struct, with_docs: bool = False, with_examples: bool = False) -> Mapping:
    """Encode a struct as go-yaml v3 does: field order, ``omitempty``, inline members.

    ``with_docs`` adds each field's ``doc`` as a comment; ``with_examples`` adds the commented examples
    of empty fields (Talos's ``--with-examples``). Comments never change what the YAML means.
    """
    out = Mapping()
    examples: list[str] = []
    _encode_into(obj, out, with_docs, with_examples, examples)
    if examples:
        # Talos hangs the examples of omitted fields below the last key written (or the empty mapping)
        comment = "\n" + "\n".join(examples)
        holder: Node = out.items[-1][0] if out.items else out
        holder.foot_comment += comment
    return out


def _encode_into(
    obj: Struct, out: Mapping, with_docs: bool, with_examples: bool, examples: list[str]
) -> None:
    for fi in obj.fields_info():
        value = getattr(obj, fi.attr)
        if fi.inline:
            if fi.kind == "struct" and value is not None:
                _encode_into(value, out, with_docs, with_examples, examples)
            elif fi.kind == "map" and value:
                assert fi.elem is not None
                for k in go_key_sort(list(value)):
                    item = encode_value(fi.elem, value[k], with_docs, with_examples)
                    out.items.append((Scalar(k, "!!str", Style.ANY), item))
            continue
        empty = field_is_zero(fi, value)
        skip = fi.omitempty and empty
        below_value = ""
        if with_examples and empty and fi.examples:
            from .examples import render_examples

            if skip:
                text = render_examples(fi, fi.key, with_docs)
                if text:
                    examples.append(text)
            else:
                below_value = render_examples(fi, "", with_docs)
        if skip:
            continue
        node = encode_value(fi, value, with_docs, with_examples)
        key = Scalar(fi.key, "!!str", Style.ANY)
        if with_docs and fi.doc:
            if isinstance(node, (Mapping, Sequence)) and node.items:
                key.head_comment = fi.doc
            else:
                node.line_comment = fi.doc
        if below_value:
            node = copy.copy(node)  # codecs may hand out shared nodes
            node.foot_comment += ("\n" if node.foot_comment else "") + below_value
        out.items.append((key, node))
