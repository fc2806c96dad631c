"""Storage documents (Talos ``pkg/machinery/config/types/storage``): LVM volume groups and logical
volumes, and Linux MD (software RAID) arrays. Importing this package registers the kinds."""

from __future__ import annotations

from .lvm import (
    LVMLogicalVolumeConfigV1Alpha1,
    LVMLogicalVolumeProvisioningSpec,
    LVMLogicalVolumeType,
    LVMVolumeGroupConfigV1Alpha1,
    LVMVolumeSelectorSpec,
    ProvisioningSpec,
    ProvisioningVolumeParent,
)
from .raid import MDLevel, MDMetadata, RAIDArrayConfigV1Alpha1, RAIDProvisioningSpec, RAIDVolumeSelector

__all__ = [
    "LVMLogicalVolumeConfigV1Alpha1",
    "LVMLogicalVolumeProvisioningSpec",
    "LVMLogicalVolumeType",
    "LVMVolumeGroupConfigV1Alpha1",
    "LVMVolumeSelectorSpec",
    "MDLevel",
    "MDMetadata",
    "ProvisioningSpec",
    "ProvisioningVolumeParent",
    "RAIDArrayConfigV1Alpha1",
    "RAIDProvisioningSpec",
    "RAIDVolumeSelector",
]
