"""KmsgLogConfig: ship the kernel log to a remote tcp:// or udp:// endpoint.

The URL rules (scheme, empty path, explicit port) are what Talos's kmsg sender can dial; they are
enforced here with the same messages so a bad destination is caught before it reaches a node.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.neturl import GoURLError
from ..common.url import URL


@register
class KmsgLogV1Alpha1(Document):
    """Go ``runtime.KmsgLogV1Alpha1`` (kind KmsgLogConfig)."""

    KIND: ClassVar[str] = "KmsgLogConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the config document.")
    kmsg_log_url: URL = yfield(
        "url", default_factory=URL, doc="Log destination: tcp:// or udp:// with a port."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if not self.name:
            return [], ["name is required"]
        try:
            parsed = self.kmsg_log_url.parsed
        except GoURLError as exc:
            return [], [str(exc)]
        if parsed is None:
            return [], ["url is required"]
        if parsed.scheme not in ("tcp", "udp"):
            return [], ["url scheme must be tcp:// or udp://"]
        if parsed.path not in ("", "/"):
            return [], ["url path must be empty"]
        if not parsed.port:
            return [], ["url port is required"]
        return [], []
