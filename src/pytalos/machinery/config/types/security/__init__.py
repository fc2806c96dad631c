"""Security documents (Talos ``pkg/machinery/config/types/security``): image signature verification
policy and extra trusted CA roots.

Importing the package registers every kind with the document registry.
"""

from __future__ import annotations

from .image_verification import (
    ImageKeylessVerifierV1Alpha1,
    ImagePublicKeyVerifierV1Alpha1,
    ImageVerificationConfigV1Alpha1,
    ImageVerificationRuleV1Alpha1,
    merge_rules,
)
from .trusted_roots import TrustedRootsConfigV1Alpha1

__all__ = [
    "ImageKeylessVerifierV1Alpha1",
    "ImagePublicKeyVerifierV1Alpha1",
    "ImageVerificationConfigV1Alpha1",
    "ImageVerificationRuleV1Alpha1",
    "TrustedRootsConfigV1Alpha1",
    "merge_rules",
]
