"""Shared helpers of the v1alpha1 tests: decode/encode a Config from YAML text, list fixtures."""

from __future__ import annotations

from pathlib import Path

from pytalos.machinery.config.schema import decode_struct, encode_struct
from pytalos.machinery.config.types.v1alpha1 import Config
from pytalos.machinery.yamlx import Mapping, emit, parse_document, parse_documents
from tests._shared import SHARED, TALOS_CONFIG_TESTDATA

CONFIG_TESTDATA = SHARED.joinpath(*TALOS_CONFIG_TESTDATA)
V1ALPHA1_TESTDATA = CONFIG_TESTDATA / "types" / "v1alpha1" / "testdata"


def fixture_names(pattern: str, base: Path = V1ALPHA1_TESTDATA) -> list[str]:
    """Relative paths matching ``pattern`` (at collection time; empty when ../shared is absent)."""
    return sorted(str(p.relative_to(base)) for p in base.glob(pattern)) if base.exists() else []


def decode(text: str) -> Config:
    """Decode a single v1alpha1 document (strict)."""
    node = parse_document(text)
    assert isinstance(node, Mapping)
    return decode_struct(Config, node)


def encode(cfg: Config) -> str:
    return emit(encode_struct(cfg))


def first_document(text: str) -> str:
    """Text of the first document of a multi-document file, with its trailing newline."""
    head = text.split("\n---\n", 1)[0]
    return head if head.endswith("\n") else head + "\n"


def v1alpha1_nodes(text: str) -> list[Mapping]:
    """The kind-less (v1alpha1) documents of a YAML stream."""
    return [n for n in parse_documents(text) if isinstance(n, Mapping) and n.get("kind") is None]
