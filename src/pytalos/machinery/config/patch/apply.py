"""Apply a list of patches to a machine config (Talos ``configpatcher/apply.go`` + ``json6902.go``).

Strategic patches work on typed documents, JSON6902 patches on the plain JSON form of a single
document; like Talos we convert between the two representations only when the next patch needs the
other one, and JSON6902 is refused for multi-document configs because JSON pointers cannot say which
document they address.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...yamlx import YAMLError, dumps, from_node, parse_documents
from ..container import Container
from ..errors import ConfigError
from ..loader import load
from .jsonpatch import apply_operations
from .load import JSONPatch, Patch, StrategicMergePatch
from .strategic import strategic_merge

MULTIDOC_JSON6902 = "JSON6902 patches are not supported for multi-document machine configuration"


def json6902(config_text: str | bytes, patch: JSONPatch) -> str:
    """Apply a JSON6902 patch to the YAML text of a single-document config; returns YAML text."""
    try:
        docs = parse_documents(config_text)
    except YAMLError as exc:
        raise ConfigError(f"failure decoding talos machine config: {exc.message}", line=exc.line) from None
    if len(docs) != 1:
        raise ConfigError(MULTIDOC_JSON6902)
    data = from_node(docs[0])
    try:
        patched = apply_operations(data, patch.operations)
    except ConfigError as exc:
        raise ConfigError(
            f"failure applying rfc6902 patches to talos machine config: {exc.message}", source=patch.source
        ) from None
    return dumps(patched)


def apply(base: Container | str | bytes, patches: Sequence[Patch], source: str = "") -> Container:
    """Apply ``patches`` in order to ``base`` (a container or config text) and return the result."""
    state: Container | str | bytes = base
    text_source = source
    for patch in patches:
        if isinstance(patch, JSONPatch):
            text = state.encode() if isinstance(state, Container) else state
            state = json6902(text, patch)
            text_source = f"{source or '<config>'} after JSON patch"
        elif isinstance(patch, StrategicMergePatch):
            config = state if isinstance(state, Container) else load(state, text_source)
            state = strategic_merge(config, patch.container)
        else:  # pragma: no cover - typing guard
            raise TypeError(f"unknown patch type {type(patch).__name__}")
    if isinstance(state, Container):
        return state if state is not base else state.clone()
    return load(state, text_source)
