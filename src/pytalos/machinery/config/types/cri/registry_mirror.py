"""RegistryMirrorConfig: mirror endpoints for one registry (or ``*`` for all of them).

Endpoints are URLs (``meta.URL`` in Go) and must use http or https; a mirror without a usable
scheme would make every pull for that registry fail.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ..common.gofmt import go_quote
from ..common.neturl import GoURLError
from ..common.url import URL


class RegistryEndpoint(Struct):
    """Go ``cri.RegistryEndpoint``: one mirror endpoint."""

    endpoint_url: URL = yfield("url", default_factory=URL, doc="URL of the mirror endpoint.")
    endpoint_override_path: bool | None = yfield(
        "overridePath", omitempty=True, doc="Use the endpoint path as is, without appending /v2/."
    )


@register
class RegistryMirrorConfigV1Alpha1(Document):
    """Go ``cri.RegistryMirrorConfigV1Alpha1`` (kind RegistryMirrorConfig)."""

    KIND: ClassVar[str] = "RegistryMirrorConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Registry name to mirror ('*' for every registry).")
    registry_endpoints: list[RegistryEndpoint] = yfield(
        "endpoints", omitempty=True, doc="Mirror endpoints, tried in order."
    )
    registry_skip_fallback: bool | None = yfield(
        "skipFallback", omitempty=True, doc="Do not fall back to the upstream registry."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.name:
            errors.append("name must be specified")
        for idx, endpoint in enumerate(self.registry_endpoints):
            try:
                parsed = endpoint.endpoint_url.parsed
            except GoURLError as exc:
                errors.append(f"endpoints[{idx}].url: {exc}")
                continue
            if parsed is None:
                errors.append(f"endpoints[{idx}].url must be specified")
            elif parsed.scheme not in ("http", "https"):
                errors.append(f"endpoints[{idx}].url has unsupported scheme: {go_quote(parsed.scheme)}")
        return [], errors

    @property
    def skip_fallback(self) -> bool:
        return bool(self.registry_skip_fallback)
