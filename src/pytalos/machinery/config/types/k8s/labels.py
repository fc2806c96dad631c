"""Kubernetes name checks, re-exported from :mod:`..common.labels` for importers outside ``types/``.

The implementation lives in ``types/common/labels.py``; this module only keeps the historical import
path (``config/validation`` uses it) working until those imports move to the common module.
"""

from __future__ import annotations

from ..common.labels import (
    RESERVED_ANNOTATIONS,
    TOTAL_ANNOTATION_SIZE_LIMIT,
    VALID_TAINT_EFFECTS,
    validate_annotations,
    validate_dns1123_subdomain,
    validate_label_value,
    validate_labels,
    validate_qualified_name,
    validate_taints,
)

__all__ = [
    "RESERVED_ANNOTATIONS",
    "TOTAL_ANNOTATION_SIZE_LIMIT",
    "VALID_TAINT_EFFECTS",
    "validate_annotations",
    "validate_dns1123_subdomain",
    "validate_label_value",
    "validate_labels",
    "validate_qualified_name",
    "validate_taints",
]
