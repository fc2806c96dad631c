"""CRI documents (Talos ``pkg/machinery/config/types/cri``): containerd customization, base runtime
spec, image cache, and per-registry mirrors, authentication and TLS.

Importing the package registers every kind with the document registry.
"""

from __future__ import annotations

from ..common.pem import CertificateAndKey
from .base_runtime_spec import CRIBaseRuntimeSpecConfigV1Alpha1
from .customization import CRICustomizationConfigV1Alpha1
from .image_cache import ImageCacheConfigV1Alpha1, LocalImageCacheConfig
from .registry_auth import RegistryAuthConfigV1Alpha1
from .registry_mirror import RegistryEndpoint, RegistryMirrorConfigV1Alpha1
from .registry_tls import RegistryTLSConfigV1Alpha1

__all__ = [
    "CRIBaseRuntimeSpecConfigV1Alpha1",
    "CRICustomizationConfigV1Alpha1",
    "CertificateAndKey",
    "ImageCacheConfigV1Alpha1",
    "LocalImageCacheConfig",
    "RegistryAuthConfigV1Alpha1",
    "RegistryEndpoint",
    "RegistryMirrorConfigV1Alpha1",
    "RegistryTLSConfigV1Alpha1",
]
