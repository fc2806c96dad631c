"""``$patch: delete`` in strategic patches: finding the markers in YAML and applying them to documents.

A strategic merge patch can only add or override, so Talos lets a patch say "remove this" with a
``$patch: delete`` marker (``configloader/internal/decoder/delete.go`` and ``selector.go``). The
marker may stand for a key's value (remove the key), for a list element (remove the element whose
first other ``key: value`` matches) or for a whole document. The loader cuts every marker out of the
YAML tree and turns it into a :class:`DeleteSelector`; the rest of the document is decoded normally.
When the patch is applied each selector removes its target from the matching document, or reports
precisely what it could not find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..yamlx.nodes import Mapping, Node, Scalar, Sequence
from .errors import ConfigError
from .schema import Codec, FieldInfo, Struct, zero_value

V1ALPHA1 = "v1alpha1"
PATCH_KEY = "$patch"
PATCH_DELETE = "delete"


class DeleteError(Exception):
    """Why a delete selector could not be applied (message texts follow Talos)."""


@dataclass
class DeleteSelector:
    """One ``$patch: delete`` marker: which document, which path and (in lists) which element."""

    path: list[str]
    doc_idx: int
    api_version: str
    kind: str
    key: str = ""
    value: str = ""
    name: str = ""
    line: int = field(default=-1, compare=False)

    @property
    def path_str(self) -> str:
        return ".".join(self.path)

    def identity(self) -> str:
        """The identity of the document this selector targets (``v1alpha1`` for the legacy one)."""
        if not self.api_version and self.kind == V1ALPHA1:
            return V1ALPHA1
        ident = f"{self.api_version}/{self.kind}"
        return f"{ident}/{self.name}" if self.name else ident

    def __str__(self) -> str:
        parts = [
            f"{label}:{val}"
            for label, val in (
                ("path", self.path_str),
                ("apiVersion", self.api_version),
                ("kind", self.kind),
                ("key", self.key),
                ("value", self.value),
                ("idx", str(self.doc_idx)),
            )
            if val
        ]
        if self.name:
            parts.append(f"name:{self.name}")
        return "{" + ", ".join(parts) + "}"

    def apply_to(self, doc: Struct, api_version: str, kind: str, name: str) -> bool:
        """Delete the target from ``doc``; True means the whole document must be dropped.

        ``api_version``/``kind``/``name`` describe ``doc`` the way Talos reports documents (the
        legacy document has apiVersion "" and kind ``v1alpha1``). Raises :class:`ConfigError`.
        """
        try:
            if self.name:
                if not name:
                    raise DeleteError(f"not a named document, expected {self.name}")
                if name != self.name:
                    raise DeleteError(f"name mismatch, expected {self.name}, got {name}")
            return self._apply(doc, api_version, kind)
        except DeleteError as exc:
            if self.name:
                message = f"named patch delete: document {api_version}/{kind}: {exc}"
            else:
                message = f"patch delete: path '{self.path_str}' in document '{api_version}/{kind}': {exc}"
            raise ConfigError(message, path=self.path_str, line=self.line) from None

    def _apply(self, doc: Struct, api_version: str, kind: str) -> bool:
        if self.kind != kind or self.api_version != api_version:
            raise DeleteError(f"incorrect document type for {self.api_version}/{self.kind}")
        if not self.path:
            if kind == V1ALPHA1 and not api_version:
                raise DeleteError("can't delete the root of the legacy document")
            return True
        try:
            delete_path(doc, self.path, self.key, self.value)
        except DeleteError as exc:
            raise DeleteError(f"failed to delete path '{self.path_str}': {exc}") from None
        return False


# ---------------------------------------------------------------- applying to typed values

LOOKUP_FAILED = "lookup failed"


def _field_by_key(obj: Struct, key: str) -> tuple[Struct, FieldInfo] | None:
    for fi in obj.fields_info():
        if fi.inline and fi.kind == "struct":
            inner = getattr(obj, fi.attr)
            found = _field_by_key(inner, key) if isinstance(inner, Struct) else None
            if found is not None:
                return found
        elif not fi.inline and fi.key == key:
            return obj, fi
    return None


def _as_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    inner = getattr(value, "values", None) if isinstance(value, Codec) else None
    return inner if isinstance(inner, dict) else None


def delete_path(value: Any, path: list[str], key: str = "", match: str = "") -> None:
    """Remove ``path`` inside a typed value (struct fields by YAML key, map keys, list elements)."""
    if not path:
        raise DeleteError("path is empty")
    head, rest = path[0], path[1:]
    if isinstance(value, Struct):
        found = _field_by_key(value, head)
        if found is None:
            raise DeleteError(LOOKUP_FAILED)
        owner, fi = found
        if not rest:
            setattr(owner, fi.attr, zero_value(fi))
            return
        delete_path(getattr(owner, fi.attr), rest, key, match)
        return
    if isinstance(value, list):
        _delete_from_list(value, head, rest, key, match)
        return
    mapping = _as_dict(value)
    if mapping is not None and head in mapping:
        if not rest:
            del mapping[head]
            return
        delete_path(mapping[head], rest, key, match)
        return
    raise DeleteError(LOOKUP_FAILED)


def _delete_from_list(items: list[Any], head: str, rest: list[str], key: str, match: str) -> None:
    if rest:
        raise DeleteError("searching for complex paths in slices is not supported")
    if not head:
        raise DeleteError("searching for '' in a slice is not supported")
    if not head.startswith("["):
        raise DeleteError("searching for non-integer keys in slices is not supported")
    for i, elem in enumerate(items):
        if isinstance(elem, Struct):
            found = _field_by_key(elem, key)
            candidate = getattr(found[0], found[1].attr) if found is not None else None
        elif isinstance(elem, dict):
            candidate = elem.get(key)
        else:
            continue
        if _scalar_text(candidate) == match:
            del items[i]
            return
    raise DeleteError(LOOKUP_FAILED)


def _scalar_text(value: Any) -> str | None:
    """How a list element's key value reads in YAML (strings, typed scalars such as prefixes, numbers)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Codec):
        node = value.encode()
        return node.value if isinstance(node, Scalar) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


# ---------------------------------------------------------------- extracting from YAML


def _is_marker(key: Scalar, value: Node) -> bool:
    return isinstance(value, Scalar) and key.value == PATCH_KEY and value.value == PATCH_DELETE


def _find_value(root: Node, key: str, required: bool) -> str:
    if not isinstance(root, Mapping):
        raise DeleteError("expected a mapping node")
    for k, v in root.items:
        if k.value == key:
            return v.value if isinstance(v, Scalar) else ""
    if required:
        raise DeleteError(f"missing {key} in document for which $patch: delete is used")
    return ""


def _make_selector(
    path: list[str], root: Node, idx: int, line: int, key: str = "", value: str = ""
) -> DeleteSelector:
    required = not path
    api_version = _find_value(root, "apiVersion", required)
    kind = _find_value(root, "kind", required)
    if not kind and not api_version:
        kind = V1ALPHA1
    elif not kind or not api_version:
        raise DeleteError(f"kind and apiVersion must be both set for path {'.'.join(path)}")
    name = _find_value(root, "name", False)
    return DeleteSelector(list(path), idx, api_version, kind, key, value, name, line)


def _make_sequence_selector(path: list[str], root: Node, node: Mapping, idx: int) -> DeleteSelector:
    for k, v in node.items:
        if _is_marker(k, v):
            continue
        return _make_selector(path, root, idx, node.line, k.value, v.value if isinstance(v, Scalar) else "")
    raise DeleteError("no key:val found in sequence node for path " + ".".join(path))


class _Extractor:
    def __init__(self, root: Node, idx: int) -> None:
        self.root = root
        self.idx = idx
        self.found: list[DeleteSelector] = []

    def process(self, parent: str, node: Node, path: list[str]) -> bool:
        """Walk ``node``; returns True when ``node`` itself must be removed from its parent."""
        if isinstance(node, Mapping):
            i = 0
            while i < len(node.items):
                key, value = node.items[i]
                if _is_marker(key, value):
                    self._found(parent, node, path)
                    return True
                if self.process("map", value, [*path, key.value]):
                    del node.items[i]
                    if not node.items:
                        return True
                    continue
                i += 1
        elif isinstance(node, Sequence):
            i = 0
            while i < len(node.items):
                if self.process("seq", node.items[i], [*path, f"[{i}]"]):
                    del node.items[i]
                    if not node.items:
                        return True
                    continue
                i += 1
        return False

    def _found(self, parent: str, node: Mapping, path: list[str]) -> None:
        if parent == "seq":
            self.found.append(_make_sequence_selector(path, self.root, node, self.idx))
            return
        for part in path:
            if part.startswith("["):
                raise DeleteError(f"cannot delete an inner key in '{'.'.join(path)}'")
        self.found.append(_make_selector(path, self.root, self.idx, node.line))


def _is_empty_doc(node: Node) -> bool:
    if not isinstance(node, Mapping):
        return False
    return all(isinstance(v, Scalar) and k.value in ("version", "kind", "name") for k, v in node.items)


def extract_deletes(doc: Node, idx: int, source: str = "") -> tuple[list[DeleteSelector], Node | None]:
    """Cut every ``$patch: delete`` out of one YAML document (in place).

    Returns the selectors, in document order, and what remains of the document (None when nothing
    is left to decode: the whole document was a delete, or only ``version``/``kind``/``name`` remain).
    """
    extractor = _Extractor(doc, idx)
    try:
        removed = extractor.process("doc", doc, [])
    except DeleteError as exc:
        raise ConfigError(
            f"error processing patch delete statements at line {doc.line + 1}: {exc}",
            line=doc.line,
            source=source,
        ) from None
    if removed or _is_empty_doc(doc):
        return extractor.found, None
    return extractor.found, doc
