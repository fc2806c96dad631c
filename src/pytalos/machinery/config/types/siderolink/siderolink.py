"""SideroLinkConfig: the SideroLink (Omni) API URL a node connects to.

The URL usually carries a ``jointoken`` query parameter, which is a secret: :meth:`redact` replaces
it the way Talos does (re-encoding the query with sorted keys). Talos source:
``siderolink/siderolink.go``; the Go type is ``ConfigV1Alpha1``.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.url import URL


@register
class ConfigV1Alpha1(Document):
    """SideroLinkConfig: connect the node to a SideroLink API endpoint."""

    KIND: ClassVar[str] = "SideroLinkConfig"

    api_url_config: URL = yfield("apiUrl", default_factory=URL, doc="SideroLink API URL (https or grpc).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if self.api_url_config.is_zero():
            return [], ["apiUrl is required"]
        if self.api_url_config.scheme not in ("https", "grpc"):
            return [], ["apiUrl scheme must be https:// or grpc://"]
        if self.api_url_config.path not in ("", "/"):
            return [], ["apiUrl path must be empty"]
        return [], []

    def redact(self, replacement: str) -> None:
        """Replace the ``jointoken`` query value (the query is re-encoded, as Talos does)."""
        if self.api_url_config.is_zero():
            return
        self.api_url_config = self.api_url_config.with_query({"jointoken": replacement})


SideroLinkConfigV1Alpha1 = ConfigV1Alpha1
"""Alias by kind name (the Go type is called ``ConfigV1Alpha1``)."""
