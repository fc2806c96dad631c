"""ImageCacheConfig: the node-local image cache (serving images from a local volume).

It supersedes ``.machine.features.imageCache``; setting both is a container-level conflict.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...document import Document, register
from ...schema import Struct, yfield


class LocalImageCacheConfig(Struct):
    """Go ``cri.LocalImageCacheConfig``."""

    config_enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable the local image cache.")


@register
class ImageCacheConfigV1Alpha1(Document):
    """Go ``cri.ImageCacheConfigV1Alpha1`` (kind ImageCacheConfig)."""

    KIND: ClassVar[str] = "ImageCacheConfig"

    local_config: LocalImageCacheConfig = yfield("local", doc="Local (on-machine) image cache settings.")

    @property
    def local_enabled(self) -> bool:
        return bool(self.local_config.config_enabled)

    def v1alpha1_conflict(self, v1alpha1_config: Any) -> str | None:
        """Conflict with an image cache already configured in the v1alpha1 document."""
        image_cache = getattr(v1alpha1_config, "image_cache_config", None)
        if callable(image_cache) and image_cache() is not None:
            return "image cache config is already set in v1alpha1 config"
        return None
