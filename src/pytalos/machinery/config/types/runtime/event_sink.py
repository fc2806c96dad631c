"""EventSinkConfig: where machined streams its runtime events (``host:port``).

The endpoint must split into host and port exactly as Go's ``net.SplitHostPort`` accepts it,
otherwise the event sink cannot dial; validation reports the Go error text.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from .netutil import AddrError, split_host_port


@register
class EventSinkV1Alpha1(Document):
    """Go ``runtime.EventSinkV1Alpha1`` (kind EventSinkConfig)."""

    KIND: ClassVar[str] = "EventSinkConfig"

    endpoint: str = yfield("endpoint", doc="Event sink endpoint as host:port.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        try:
            split_host_port(self.endpoint)
        except AddrError as exc:
            return [], [f"event sink endpoint: {exc}"]
        return [], []
