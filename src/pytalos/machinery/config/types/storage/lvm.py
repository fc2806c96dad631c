"""LVM documents: LVMVolumeGroupConfig (which disks become physical volumes) and
LVMLogicalVolumeConfig (logical volumes carved from a group).

Talos provisions LVM declaratively from these named documents (Talos ``storage/lvm_*_config.go``);
the physical volumes are chosen by a CEL selector or by referencing raw volumes, and logical volume
sizes reuse the block group's human-readable sizes.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ..block.sizes import ByteSize, Size
from ..block.specs import name_errors
from ..common.cel import Expression
from ..common.enums import GoEnum, sequential

MAX_LVM_NAME_LENGTH = 63


class LVMLogicalVolumeType(GoEnum):
    NAMES = sequential("linear", "raid1", "raid0", "raid10")
    TYPE_NAME = "LVMLogicalVolumeType"


class LVMVolumeSelectorSpec(Struct):
    """LVMVolumeSelectorSpec: CEL expression matching disks/partitions to use as physical volumes."""

    match: Expression = yfield(
        "match", omitempty=True, default_factory=Expression, doc="CEL member selector."
    )


class ProvisioningVolumeParent(Struct):
    """ProvisioningVolumeParent: a Talos-managed volume (by kind and name) used as a physical volume."""

    parent_kind: str = yfield("kind", doc="Kind of the referenced volume (RawVolume).")
    parent_name: str = yfield("name", doc="Name of the referenced volume.")


class ProvisioningSpec(Struct):
    """ProvisioningSpec: where the physical volumes of a volume group come from."""

    volume_selector: LVMVolumeSelectorSpec = yfield("volumeSelector", omitempty=True, doc="Disk selector.")
    parents: list[ProvisioningVolumeParent] = yfield("parents", omitempty=True, doc="Volumes used as PVs.")

    def validate(self) -> list[str]:
        has_selector = not self.volume_selector.match.is_zero()
        if has_selector and self.parents:
            return ["provisioning.volumeSelector and provisioning.parents are mutually exclusive"]
        if self.parents:
            for i, parent in enumerate(self.parents):
                if parent.parent_kind != "RawVolume":
                    return [
                        f'provisioning.parents[{i}].kind: unsupported kind "{parent.parent_kind}", '
                        'only "RawVolume" is supported'
                    ]
                if parent.parent_name == "":
                    return [f"provisioning.parents[{i}].name is required"]
            return []
        if has_selector:
            problem = self.volume_selector.match.validate()
            return [f"provisioning.volumeSelector.match: {problem}"] if problem else []
        return ["either provisioning.volumeSelector.match or provisioning.parents is required"]


@register
class LVMVolumeGroupConfigV1Alpha1(Document):
    """LVMVolumeGroupConfig: an LVM volume group and its backing physical volumes."""

    KIND: ClassVar[str] = "LVMVolumeGroupConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Volume group name (1-63 letters, digits, hyphens, underscores).")
    provisioning_spec: ProvisioningSpec = yfield("provisioning", doc="How the physical volumes are chosen.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = name_errors(self.name, MAX_LVM_NAME_LENGTH, underscores=True)
        errors += self.provisioning_spec.validate()
        return [], errors


class LVMLogicalVolumeProvisioningSpec(Struct):
    """LVMLogicalVolumeProvisioningSpec: volume group and size of a logical volume."""

    volume_group: str = yfield("volumeGroup", doc="Volume group backing the logical volume.")
    provisioning_min_size: ByteSize = yfield(
        "minSize", omitempty=True, default_factory=ByteSize, doc="Minimum size, e.g. 10GiB."
    )
    provisioning_max_size: Size = yfield(
        "maxSize", omitempty=True, default_factory=Size, doc="Maximum size, e.g. 50GiB or 80% of the group."
    )


@register
class LVMLogicalVolumeConfigV1Alpha1(Document):
    """LVMLogicalVolumeConfig: a logical volume inside a volume group."""

    KIND: ClassVar[str] = "LVMLogicalVolumeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Logical volume name (1-63 letters, digits, hyphens, underscores).")
    lv_type: LVMLogicalVolumeType = yfield(
        "type", default_factory=LVMLogicalVolumeType, doc="Layout: linear, raid0, raid1 or raid10."
    )
    lv_mirrors: int | None = yfield("mirrors", omitempty=True, doc="Mirror copies (raid1/raid10).")
    lv_stripes: int | None = yfield("stripes", omitempty=True, doc="Stripe count (raid0/raid10).")
    provisioning: LVMLogicalVolumeProvisioningSpec = yfield("provisioning", doc="Volume group and size.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = name_errors(self.name, MAX_LVM_NAME_LENGTH, underscores=True)
        lv_type = self.lv_type.name
        if self.lv_mirrors is not None:
            if lv_type not in ("raid1", "raid10"):
                errors.append(f"mirrors is only valid for raid1/raid10, not {lv_type}")
            elif self.lv_mirrors < 1:
                errors.append("mirrors must be at least 1")
        if self.lv_stripes is not None:
            if lv_type not in ("raid0", "raid10"):
                errors.append(f"stripes is only valid for raid0/raid10, not {lv_type}")
            elif self.lv_stripes < 2:
                errors.append("stripes must be at least 2")
        prov = self.provisioning
        if prov.volume_group == "":
            errors.append("provisioning.volumeGroup is required")
        if prov.provisioning_max_size.is_zero():
            errors.append("provisioning.maxSize is required")
        if prov.provisioning_max_size.is_negative():
            errors.append("provisioning.maxSize must not be negative")
        if (
            not prov.provisioning_min_size.is_zero()
            and not prov.provisioning_max_size.is_relative()
            and prov.provisioning_min_size.bytes() > prov.provisioning_max_size.bytes()
        ):
            errors.append("provisioning.minSize must not exceed provisioning.maxSize")
        return [], errors

    def mirrors(self) -> int:
        """Mirror copies: 1 by default for raid1/raid10, 0 (not applicable) otherwise."""
        if self.lv_mirrors is not None:
            return self.lv_mirrors
        return 1 if self.lv_type.name in ("raid1", "raid10") else 0

    def stripes(self) -> int:
        return self.lv_stripes or 0
