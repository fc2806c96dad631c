"""Connectivity probes: ``TCPProbeConfig`` and ``HTTPProbeConfig``.

Probes report whether a TCP endpoint or an HTTP(S) URL is reachable; both share an interval and a
failure threshold (the inline ``CommonProbeConfig``) and a timeout, none of which may be negative.
"""

from __future__ import annotations

from typing import ClassVar

from ...codecs import Duration
from ...document import Document, register
from ...schema import Struct, yfield
from ..common.url import URL


class CommonProbeConfig(Struct):
    interval: Duration = yfield(
        "interval", omitempty=True, default_factory=Duration, doc="Interval between attempts (default 1s)."
    )
    failure_threshold: int = yfield(
        "failureThreshold", omitempty=True, doc="Consecutive failures before the probe fails."
    )

    def validate(self) -> list[str]:
        errors = []
        if self.interval.nanoseconds < 0:
            errors.append(f"probe interval cannot be negative: {self.interval}")
        if self.failure_threshold < 0:
            errors.append(f"probe failure threshold cannot be negative: {self.failure_threshold}")
        return errors


@register
class TCPProbeConfigV1Alpha1(Document):
    """Probes a ``host:port`` TCP endpoint."""

    KIND: ClassVar[str] = "TCPProbeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the probe.")
    common: CommonProbeConfig = yfield("", inline=True)
    endpoint: str = yfield("endpoint", doc="Endpoint as host:port.")
    timeout: Duration = yfield(
        "timeout", omitempty=True, default_factory=Duration, doc="Timeout of one attempt (default 10s)."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [] if self.name else ["probe name is required"]
        if not self.endpoint:
            errors.append("TCP probe endpoint is required")
        if self.timeout.nanoseconds < 0:
            errors.append(f"TCP probe timeout cannot be negative: {self.timeout}")
        return [], errors + self.common.validate()


@register
class HTTPProbeConfigV1Alpha1(Document):
    """Probes an HTTP(S) URL (2xx/3xx is success, redirects are not followed)."""

    KIND: ClassVar[str] = "HTTPProbeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the probe.")
    common: CommonProbeConfig = yfield("", inline=True)
    url: URL = yfield("url", default_factory=URL, doc="http:// or https:// URL to probe.")
    timeout: Duration = yfield(
        "timeout", omitempty=True, default_factory=Duration, doc="Timeout of one attempt (default 10s)."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = [] if self.name else ["probe name is required"]
        if not self.url.text:
            errors.append("HTTP probe URL is required")
        else:
            scheme = self.url.scheme
            if scheme not in ("http", "https"):
                errors.append(f'HTTP probe URL scheme must be http or https, got "{scheme}"')
            elif not self.url.hostname:
                errors.append("HTTP probe URL must be an absolute http or https URL with a non-empty host")
        if self.timeout.nanoseconds < 0:
            errors.append(f"HTTP probe timeout cannot be negative: {self.timeout}")
        return [], errors + self.common.validate()
