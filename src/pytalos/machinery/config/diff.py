"""Differences between two machine configs: as a strategic patch, and as a text diff.

``diff(a, b)`` answers "which patch turns config a into config b?" (Talos ``configdiff``): useful to
turn a hand-edited config back into a reviewable patch, and to check that patching is lossless. The
patch has to work with Talos's merge rules, which only add or override, so the differ knows them:

* a key that must become empty is removed with ``$patch: delete`` (merging a zero value is a no-op);
* lists are appended on merge, so a list that grew at the end gets only the new items, while any
  other change deletes the list and sets it again; ``merge:"replace"`` lists and custom mergers are
  set wholesale (after a delete when they must become empty);
* booleans always override on merge, so every non-pointer boolean that is true is repeated in any
  struct the patch touches;
* deletes cannot share a key with new values, so a document that needs both gets two patch
  documents with the same identity, deletes first (patches apply same-identity documents in order);
* patches append new documents at the end, so documents of ``b`` that follow a new one are deleted
  and added again to reproduce ``b``'s document order.

``unified_diff`` renders the text diff ``apply-config --dry-run`` shows.
"""

from __future__ import annotations

import difflib

from ..yamlx import emit_documents, go_key_sort
from ..yamlx.nodes import Mapping, Node, Scalar, Style
from .container import Container, doc_identity, is_v1alpha1
from .document import Document
from .errors import ConfigError
from .schema import FieldInfo, Struct, encode_struct, encode_value, is_zero

_HEADER_KEYS = ("apiVersion", "kind", "name")


def _key(text: str) -> Scalar:
    return Scalar(text, "!!str", Style.ANY)


def _delete_marker() -> Mapping:
    return Mapping([(_key("$patch"), Scalar("delete", "!!str", Style.PLAIN))])


class _Differ:
    """Collects the delete paths of one document while building its merge mapping."""

    def __init__(self) -> None:
        self.deletes: list[list[str]] = []

    def struct(
        self, a: Struct, b: Struct, path: list[str], skip: tuple[str, ...] = ()
    ) -> tuple[Mapping, bool]:
        out = Mapping()
        changed = False
        for fi in b.fields_info():
            if fi.key in skip and not fi.inline:
                continue
            av, bv = getattr(a, fi.attr), getattr(b, fi.attr)
            if fi.inline and fi.kind == "struct":
                sub, sub_changed = self.struct(
                    av if av is not None else fi.tp(), bv if bv is not None else fi.tp(), path
                )
                out.items.extend(sub.items)
                changed = changed or sub_changed
                continue
            if fi.inline:
                inline, sub_changed = self.inline_map(fi, av or {}, bv or {}, path)
                out.items.extend(inline.items)
                changed = changed or sub_changed
                continue
            node, field_changed = self.field(fi, av, bv, [*path, fi.key])
            if node is not None:
                out.items.append((_key(fi.key), node))
            changed = changed or field_changed
        return out, changed

    def inline_map(
        self, fi: FieldInfo, av: dict[str, object], bv: dict[str, object], path: list[str]
    ) -> tuple[Mapping, bool]:
        removed = [k for k in av if k not in bv]
        if removed:
            raise ConfigError(
                f"cannot express the removal of inline keys {removed} as a patch", path=".".join(path)
            )
        assert fi.elem is not None
        out = Mapping()
        for k in go_key_sort([k for k in bv if av.get(k) != bv[k]]):
            out.items.append((_key(k), encode_value(fi.elem, bv[k])))
        return out, bool(out.items)

    def field(self, fi: FieldInfo, av: object, bv: object, path: list[str]) -> tuple[Node | None, bool]:
        """Patch node for one field (None: leave it out) and whether the field really changes."""
        if av == bv and type(av) is type(bv):
            if fi.kind == "struct" and not fi.pointer and fi.merge != "replace" and isinstance(bv, Struct):
                sub, _ = self.struct(bv, bv, path)  # repeat true booleans the merge would reset
                return (sub if sub.items else None), False
            if fi.kind == "scalar" and fi.tp is bool and not fi.pointer and bv is True:
                return encode_value(fi, bv), False
            return None, False
        if bv is None:
            self.deletes.append(path)
            return None, True
        if fi.pointer and av is None:
            return encode_value(fi, bv), True
        if callable(fi.merge) or fi.kind in ("codec", "any"):
            return self.reset(fi, bv, path)
        if fi.kind == "scalar":
            if fi.tp is bool:
                return encode_value(fi, bv), True
            if is_zero(bv):
                self.deletes.append(path)
                return (encode_value(fi, bv) if fi.pointer else None), True
            return encode_value(fi, bv), True
        if fi.kind == "struct":
            assert isinstance(av, Struct) and isinstance(bv, Struct)
            if fi.merge == "replace":
                return self.reset(fi, bv, path) if is_zero(bv) else (encode_struct(bv), True)
            sub, changed = self.struct(av, bv, path)
            return (sub if sub.items else None), changed
        if fi.kind == "list":
            assert isinstance(av, list) and isinstance(bv, list)
            if not bv:
                self.deletes.append(path)
                return None, True
            if fi.merge != "replace" and len(bv) > len(av) and bv[: len(av)] == av:
                return encode_value(fi, bv[len(av) :]), True
            if fi.merge == "replace":
                return encode_value(fi, bv), True
            return self.reset(fi, bv, path)
        assert fi.kind == "map" and isinstance(av, dict) and isinstance(bv, dict)
        if not bv:
            self.deletes.append(path)
            return None, True
        if fi.merge == "replace":
            return encode_value(fi, bv), True
        return self.map(fi, av, bv, path), True

    def map(
        self, fi: FieldInfo, av: dict[str, object], bv: dict[str, object], path: list[str]
    ) -> Node | None:
        assert fi.elem is not None
        out = Mapping()
        for k in go_key_sort(list(bv)):
            if k not in av or av[k] is None:
                out.items.append((_key(k), encode_value(fi.elem, bv[k])))
                continue
            mark = len(self.deletes)
            node, changed = self.field(fi.elem, av[k], bv[k], [*path, k])
            if len(self.deletes) > mark:  # a map entry cannot be zeroed in place: drop and set it again
                del self.deletes[mark:]
                self.deletes.append([*path, k])
                node = encode_value(fi.elem, bv[k])
            if node is not None and (changed or len(self.deletes) > mark):
                out.items.append((_key(k), node))
        for k in av:
            if k not in bv:
                self.deletes.append([*path, k])
        return out if out.items else None

    def reset(self, fi: FieldInfo, bv: object, path: list[str]) -> tuple[Node | None, bool]:
        """Delete the field, then set it again (when the new value is not empty)."""
        self.deletes.append(path)
        if bv is None or (not fi.pointer and is_zero(bv)):
            return None, True
        return encode_value(fi, bv), True


def _header(doc: Struct) -> list[tuple[Scalar, Node]]:
    if not isinstance(doc, Document):
        return []
    items: list[tuple[Scalar, Node]] = [
        (_key("apiVersion"), _key(doc.api_version)),
        (_key("kind"), _key(doc.kind)),
    ]
    if doc.NAMED:
        items.append((_key("name"), _key(doc.doc_name)))
    return items


def _deletes_node(doc: Struct, paths: list[list[str]]) -> Mapping:
    root = Mapping(_header(doc))
    for path in paths:
        node: Mapping | None = root
        for part in path[:-1]:
            assert node is not None
            child = node.get(part)
            if child is None:
                child = Mapping()
                node.items.append((_key(part), child))
            elif not isinstance(child, Mapping) or child.get("$patch") is not None:
                node = None  # an enclosing key is deleted already
                break
            node = child
        if node is not None and node.get(path[-1]) is None:
            node.items.append((_key(path[-1]), _delete_marker()))
    return root


def _selector(doc: Struct) -> Mapping:
    return Mapping([*_header(doc), (_key("$patch"), Scalar("delete", "!!str", Style.PLAIN))])


def _readded(a: Container, b: Container) -> set[str]:
    """Documents of both configs that must be deleted and added again to get ``b``'s order.

    A patch keeps the existing documents in place and appends new ones, so only a prefix of ``b``
    made of documents already in ``a`` (in the same relative order) can stay where it is.
    """
    a_index = {doc_identity(d): i for i, d in enumerate(a.config_documents) if not is_v1alpha1(d)}
    others = [doc_identity(d) for d in b.config_documents if not is_v1alpha1(d)]
    last = -1
    prefix = 0
    for ident in others:
        if a_index.get(ident, -1) <= last:
            break
        last = a_index[ident]
        prefix += 1
    return {ident for ident in others[prefix:] if ident in a_index}


def diff_nodes(a: Container, b: Container) -> list[Node]:
    """The patch documents turning ``a`` into ``b`` (see :func:`diff`)."""
    out: list[Node] = []
    readd = _readded(a, b)
    for doc in a.config_documents:
        ident = doc_identity(doc)
        if b.find(ident) is None or ident in readd:
            if is_v1alpha1(doc):
                raise ConfigError("the v1alpha1 document cannot be removed by a strategic patch")
            out.append(_selector(doc))
    for doc in b.config_documents:
        base = a.find(doc_identity(doc))
        if base is None or doc_identity(doc) in readd:
            out.append(encode_struct(doc))
            continue
        if type(base) is not type(doc):
            raise ConfigError(f"documents {doc_identity(doc)} have different types")
        differ = _Differ()
        skip = _HEADER_KEYS if isinstance(doc, Document) else ()
        merge, changed = differ.struct(base, doc, [], skip)
        if differ.deletes:
            out.append(_deletes_node(doc, differ.deletes))
        if changed and (merge.items or isinstance(doc, Document)):
            out.append(Mapping([*_header(doc), *merge.items]))
    return out


def diff(a: Container, b: Container) -> str:
    """A strategic merge patch (multi-document YAML) that turns ``a`` into ``b``; "" when equal."""
    nodes = diff_nodes(a, b)
    return emit_documents(nodes) if nodes else ""


def unified_diff(a: str, b: str, from_name: str = "a", to_name: str = "b", context: int = 3) -> str:
    """A unified text diff of two YAML texts ("" when they are identical)."""
    lines = difflib.unified_diff(
        a.splitlines(keepends=True), b.splitlines(keepends=True), from_name, to_name, n=context
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
