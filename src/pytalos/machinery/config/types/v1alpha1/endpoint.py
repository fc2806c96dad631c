"""``Endpoint``: a URL field (``cluster.controlPlane.endpoint``, logging destinations) with Go semantics.

Talos keeps these as a parsed ``net/url.URL`` and writes ``URL.String()`` back, and a config patch
merges the parsed URL *field by field* (``https://127.0.0.1:6643/`` patched with ``https://10.0.0.1``
gives ``https://10.0.0.1/``: the right side has no path, so the left one stays). Parsing and
formatting are the shared Go ``net/url`` reimplementation (:mod:`..common.neturl`); this module adds
the YAML codec and that field-by-field merge.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from ....yamlx import Node, Scalar, Style
from ...errors import DecodeError
from ...schema import Codec
from ..common.neturl import GoURL


@dataclass
class Endpoint(GoURL, Codec):
    """A parsed URL (Go ``url.URL`` fields); ``str(endpoint)`` is Go's ``URL.String()``."""

    ZEROER: ClassVar[bool] = False  # Go's Endpoint has no IsZero(): a non-nil pointer is always written

    @classmethod
    def decode(cls, node: Node, path: str) -> Endpoint:
        if not isinstance(node, Scalar):
            raise DecodeError(path, node.line, "expected a URL string")
        text = node.value
        if node.plain and text in ("~", "null", "Null", "NULL"):
            text = ""
        try:
            return cls.parse(text)
        except ValueError as exc:
            raise DecodeError(path, node.line, str(exc)) from None

    def encode(self) -> Node:
        return Scalar(str(self), "!!str", Style.ANY)

    def is_zero(self) -> bool:
        return self == Endpoint()

    def merge_from(self, other: Any) -> Any:
        """``merge.Merge`` over ``url.URL``: each string field replaced unless empty, bools always."""
        if not isinstance(other, Endpoint):
            return self
        merged = dataclasses.replace(self)
        for f in dataclasses.fields(self):
            value = getattr(other, f.name)
            if isinstance(value, bool) or value:
                setattr(merged, f.name, value)
        if other.user is not None:
            merged.user = other.user
        return merged
