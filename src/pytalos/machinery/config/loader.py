"""Load a machine config (one YAML stream, many documents) into a :class:`Container`.

This is Talos's ``configloader`` + ``internal/decoder``: it decides which class each document is
(a document with no ``kind`` but with ``version``/``machine``/``cluster``/``debug``/``persist`` is the
legacy v1alpha1 document; every other one needs ``apiVersion`` and ``kind`` known to the registry),
rejects duplicates and unknown keys, and — for patches — extracts ``$patch: delete`` markers first.
Every error names the source file, the line and the YAML path, because that is what someone editing
a long config needs to find the mistake.
"""

from __future__ import annotations

from typing import Any

from ..yamlx import YAMLError, emit, parse_documents
from ..yamlx.nodes import Mapping, Node, Scalar, Sequence
from .container import V1ALPHA1, Container, v1alpha1_class
from .deletes import DeleteSelector, extract_deletes
from .document import lookup
from .errors import ConfigError, DecodeError
from .schema import FieldInfo, Struct, decode_struct

LEGACY_KEYS = ("version", "machine", "cluster", "debug", "persist")


def load(
    text: str | bytes,
    source: str = "",
    allow_patch_delete: bool = False,
    *,
    allow_duplicates: bool = False,
    allow_empty: bool = False,
) -> Container:
    """Decode every document of ``text`` (from file ``source``, used in error messages).

    ``allow_patch_delete`` turns ``$patch: delete`` markers into delete selectors (patches only);
    ``allow_duplicates`` accepts several documents with one identity (patches only). An input with
    no document is an error (``config not found``) unless ``allow_empty``.
    """
    raw = text.encode() if isinstance(text, str) else bytes(text)
    try:
        nodes = parse_documents(raw, source)
    except YAMLError as exc:
        raise ConfigError(f"decode error: {exc.message}", line=exc.line, source=source) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"decode error: {exc}", source=source) from None
    entries: list[Struct | DeleteSelector] = []
    sources: list[Node | None] = []  # the node each entry came from (selectors have none)
    seen: dict[tuple[str, str, str], int] = {}
    for idx, node in enumerate(nodes):
        if allow_patch_delete:
            selectors, remaining = extract_deletes(node, idx, source)
            entries.extend(selectors)
            sources.extend([None] * len(selectors))
            if remaining is None:
                continue
            node = remaining
        if (isinstance(node, Scalar) and node.tag == "!!null") or _is_null(node):
            continue
        if not isinstance(node, Mapping):
            raise ConfigError(
                f"expected a YAML document at line {node.line + 1}", line=node.line, source=source
            )
        ident = (_value(node, "apiVersion"), _value(node, "kind") or V1ALPHA1, _value(node, "name"))
        if not allow_duplicates and ident in seen:
            raise ConfigError(
                f"duplicate document {'/'.join(ident)} is not allowed (line {node.line + 1})",
                line=node.line,
                source=source,
            )
        seen.setdefault(ident, node.line)
        entries.append(decode_document(node, source, ident))
        sources.append(node)
    if not entries and not allow_empty:
        raise ConfigError("config not found", source=source)
    return Container(entries, allow_duplicates=allow_duplicates, source=source, raw=raw, nodes=sources)


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.plain and node.value in ("", "~", "null", "Null", "NULL")


def _value(node: Mapping, key: str) -> str:
    value = node.get(key)
    return value.value if isinstance(value, Scalar) else ""


def document_class(node: Mapping) -> type[Struct]:
    """Which class decodes this document (raises :class:`DecodeError` naming kind and line)."""
    version = kind = ""
    kind_line = node.line
    for key, value in node.items:
        if key.value == "kind":
            kind = _scalar_text(value, "kind")
            kind_line = key.line
        elif key.value == "apiVersion":
            version = _scalar_text(value, "apiVersion")
        elif key.value in LEGACY_KEYS:
            version = V1ALPHA1
    if not kind and version == V1ALPHA1:
        return v1alpha1_class()
    if not kind:
        raise DecodeError("", node.line, "missing kind")
    if not version:
        raise DecodeError("", node.line, "missing apiVersion")
    doc_cls = lookup(version, kind)
    if doc_cls is None:
        raise DecodeError("kind", kind_line, f'unknown document kind "{kind}" (apiVersion "{version}")')
    return doc_cls


def _scalar_text(node: Node, key: str) -> str:
    if not isinstance(node, Scalar):
        raise DecodeError(key, node.line, f"{key} must be a string")
    return node.value


def decode_document(node: Mapping, source: str = "", ident: tuple[str, str, str] | None = None) -> Struct:
    """Decode one document node into its class; unknown keys are reported all at once."""
    if ident is None:
        ident = (_value(node, "apiVersion"), _value(node, "kind") or V1ALPHA1, _value(node, "name"))
    where = f"error decoding document {'/'.join(ident)}"
    try:
        cls = document_class(node)
        check_unknown_keys(cls, node)
        return decode_struct(cls, node, "")
    except DecodeError as exc:
        raise ConfigError(f"{where}: {exc.message}", path=exc.path, line=exc.line, source=source) from None
    except ConfigError as exc:  # codecs may raise plain config errors
        raise ConfigError(f"{where}: {exc.message}", path=exc.path, line=exc.line, source=source) from None
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: {exc}", line=node.line, source=source) from None


# ---------------------------------------------------------------- unknown keys


def _struct_fields(cls: type[Struct]) -> tuple[dict[str, FieldInfo], bool]:
    """YAML key → field (inline structs flattened); the flag says an inline map accepts any key."""
    known: dict[str, FieldInfo] = {}
    any_key = False
    for fi in cls.fields_info():
        if fi.inline and fi.kind == "struct":
            inner, inner_any = _struct_fields(fi.tp)
            known.update(inner)
            any_key = any_key or inner_any
        elif fi.inline and fi.kind == "map":
            any_key = True
        else:
            known[fi.key] = fi
    return known, any_key


def _unknown_in(fi: FieldInfo, node: Node, path: str, first: list[tuple[str, int]]) -> Any:
    if fi.kind == "struct" and isinstance(node, Mapping):
        return _unknown_in_struct(fi.tp, node, path, first)
    if fi.kind == "list" and isinstance(node, Sequence) and fi.elem is not None:
        found = [_unknown_in(fi.elem, item, f"{path}[{i}]", first) for i, item in enumerate(node.items)]
        found = [f for f in found if f is not None]
        return found or None
    if fi.kind == "map" and isinstance(node, Mapping) and fi.elem is not None:
        result = {}
        for key, value in node.items:
            inner = _unknown_in(fi.elem, value, f"{path}.{key.value}" if path else key.value, first)
            if inner is not None:
                result[key.value] = inner
        return result or None
    return None


def _unknown_in_struct(cls: type[Struct], node: Mapping, path: str, first: list[tuple[str, int]]) -> Any:
    known, any_key = _struct_fields(cls)
    result: dict[str, Any] = {}
    for key, value in node.items:
        sub = f"{path}.{key.value}" if path else key.value
        fi = known.get(key.value)
        if fi is None:
            if any_key:
                continue
            first.append((sub, key.line))
            result[key.value] = value
            continue
        inner = _unknown_in(fi, value, sub, first)
        if inner is not None:
            result[key.value] = inner
    return result or None


def _to_node(value: Any) -> Node:
    if isinstance(value, Node):
        return value
    if isinstance(value, dict):
        return Mapping([(Scalar(k, "!!str"), _to_node(v)) for k, v in value.items()])
    return Sequence([_to_node(v) for v in value])


def check_unknown_keys(cls: type[Struct], node: Mapping) -> None:
    """Reject keys the class does not know, listing all of them like Talos's ``CheckUnknownKeys``."""
    first: list[tuple[str, int]] = []
    unknown = _unknown_in_struct(cls, node, "", first)
    if unknown is None:
        return
    summary = emit(_to_node(unknown))
    path, line = first[0]
    raise DecodeError(path, line, f"unknown keys found during decoding:\n{summary}")
