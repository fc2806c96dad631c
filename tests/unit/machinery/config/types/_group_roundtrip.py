"""Round-trip helpers for document-group tests: decode a fixture document, encode it, compare bytes."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from pytalos.machinery.config.document import _REGISTRY, Document
from pytalos.machinery.config.schema import decode_struct, encode_struct
from pytalos.machinery.yamlx import Mapping, Scalar, emit, parse_document
from tests._shared import SHARED, TALOS_CONFIG_TESTDATA, config_testdata

_TYPES = SHARED.joinpath(*TALOS_CONFIG_TESTDATA, "types")


def group_kinds(package: ModuleType) -> dict[str, type[Document]]:
    """KIND → class for every document class a group package exports, each checked to be registered.

    Tests resolve kinds through their own group (not the global loader) so a group that another
    engineer has half-written cannot break them; registration itself is still asserted here.
    """
    kinds: dict[str, type[Document]] = {}
    for name in getattr(package, "__all__", []):
        obj = getattr(package, name)
        if isinstance(obj, type) and issubclass(obj, Document) and obj.KIND:
            assert _REGISTRY.get((obj.API_VERSION, obj.KIND)) is obj, f"{obj.KIND} is not registered"
            kinds[obj.KIND] = obj
    return kinds


def decode_doc(text: str, kinds: dict[str, type[Document]]) -> Document:
    """Decode one typed document whose kind is one of ``kinds`` (strict: unknown keys fail)."""
    node = parse_document(text)
    assert isinstance(node, Mapping)
    kind = node.get("kind")
    assert isinstance(kind, Scalar), "document has no kind"
    assert kind.value in kinds, f"kind {kind.value} is not part of this group"
    return decode_struct(kinds[kind.value], node)


def encode_doc(doc: Document) -> str:
    return emit(encode_struct(doc))


def fixture_names(group: str) -> list[str]:
    """Fixture file names of ``types/<group>/testdata`` (empty when ../shared is absent; no skip here,
    this runs at collection time)."""
    return sorted(p.name for p in _TYPES.joinpath(*group.split("/"), "testdata").glob("*.yaml"))


def fixture_text(group: str, name: str) -> str:
    return config_testdata("types", *group.split("/"), "testdata", name).read_text()


def stability_labels(kinds: set[str]) -> list[str]:
    """Labels (``v1.14/base-worker.yaml#3``) of stability documents of ``kinds``, for parametrize ids."""
    root = _TYPES / "v1alpha1" / "testdata" / "stability"
    return [label for label, _ in _stability(root, kinds)] if root.exists() else []


def stability_text(label: str) -> str:
    root = config_testdata("types", "v1alpha1", "testdata", "stability")
    path, _, index = label.partition("#")
    return _split_documents((root / path).read_text())[int(index)]


def _split_documents(text: str) -> list[str]:
    return [part if part.endswith("\n") else part + "\n" for part in text.split("\n---\n")]


def _kind_of(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("kind: "):
            return line[len("kind: ") :]
    return ""


def _stability(root: Path, kinds: set[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(root.glob("v*/*.yaml")):
        for i, text in enumerate(_split_documents(path.read_text())):
            if _kind_of(text) in kinds:
                found.append((f"{path.parent.name}/{path.name}#{i}", text))
    return found
