"""Round-trip helpers for every document-group test: decode a fixture document, encode it, compare bytes.

Each ``test_<group>.py`` used to carry its own copy of the decode/encode/fixture-listing code and of
the round-trip test itself; they all use this module instead. :func:`fixture_round_trip_test` and
:func:`stability_round_trip_test` build the standard parametrized tests, so a group test only names
its fixtures (``test_fixture_round_trip = fixture_round_trip_test("cri", KINDS)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType

import pytest

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


def assert_round_trip(text: str, kinds: dict[str, type[Document]], *, valid: bool = False) -> Document:
    """Decode ``text``, check that encoding gives the same bytes (and, with ``valid``, no findings)."""
    doc = decode_doc(text, kinds)
    assert encode_doc(doc) == text
    if valid:
        assert doc.validate("metal") == ([], [])
    return doc


def fixture_round_trip_test(
    group: str, kinds: dict[str, type[Document]], *, names: Iterable[str] | None = None, valid: bool = False
) -> Callable[[str], None]:
    """A test parametrized over ``types/<group>/testdata`` fixtures (or ``names``): byte-exact round trip."""

    @pytest.mark.parametrize("name", fixture_names(group) if names is None else list(names))
    def test(name: str) -> None:
        assert_round_trip(fixture_text(group, name), kinds, valid=valid)

    return test


def stability_round_trip_test(
    kinds: dict[str, type[Document]], *, of_kinds: Iterable[str] | None = None, valid: bool = False
) -> Callable[[str], None]:
    """A test over the v1alpha1 stability documents of ``of_kinds`` (default: all of ``kinds``)."""

    @pytest.mark.parametrize("label", stability_labels(set(kinds if of_kinds is None else of_kinds)))
    def test(label: str) -> None:
        assert_round_trip(stability_text(label), kinds, valid=valid)

    return test


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
