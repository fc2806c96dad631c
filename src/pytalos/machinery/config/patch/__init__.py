"""Config patching: load patches (strategic merge or JSON6902) and apply them to machine configs."""

from __future__ import annotations

from .apply import MULTIDOC_JSON6902, apply, json6902
from .jsonpatch import JSONPatchError, apply_operations
from .load import JSONPatch, Patch, StrategicMergePatch, load_patch, load_patches, patch_reference
from .strategic import strategic_merge

__all__ = [
    "MULTIDOC_JSON6902",
    "JSONPatch",
    "JSONPatchError",
    "Patch",
    "StrategicMergePatch",
    "apply",
    "apply_operations",
    "json6902",
    "load_patch",
    "load_patches",
    "patch_reference",
    "strategic_merge",
]
