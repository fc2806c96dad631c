"""Extra Kubernetes manifests applied by Talos at bootstrap: inline ones and ones fetched by URL.

They replace ``cluster.inlineManifests`` and ``cluster.extraManifests`` of the v1alpha1 document; each
manifest is its own named document, so patches can add or delete one without touching the others.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.url import URL
from .node import _validate_name


@register
class KubeInlineManifestConfigV1Alpha1(Document):
    """A manifest (possibly several ``---`` separated objects) given inline."""

    KIND: ClassVar[str] = "KubeInlineManifestConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Manifest name.")
    manifest: str = yfield("manifest", doc="Raw YAML, as for kubectl apply -f.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], _validate_name("manifest", self.name)


@register
class KubeExternalManifestConfigV1Alpha1(Document):
    """A manifest downloaded from an http(s) URL (fetched once, not watched)."""

    KIND: ClassVar[str] = "KubeExternalManifestConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Manifest name.")
    headers: dict[str, str] = yfield("headers", omitempty=True, doc="HTTP headers for the download.")
    url: URL = yfield("url", default_factory=URL, doc="http(s) URL of the manifest.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = _validate_name("manifest", self.name)
        if self.url.is_zero():
            errors.append("manifest URL is required")
        elif self.url.scheme not in ("http", "https"):
            errors.append(f'manifest URL scheme must be http or https: "{self.url.scheme}"')
        return [], errors
