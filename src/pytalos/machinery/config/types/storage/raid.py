"""RAIDArrayConfig: a Linux MD (software RAID) array assembled from disks chosen by CEL.

Talos creates the array (exposed as ``/dev/disk/by-id/md-name-<name>``) from this named document
(Talos ``storage/raid_array_config.go``); it can then back a user volume.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ..block.specs import name_errors
from ..common.cel import Expression
from ..common.enums import GoEnum, sequential

MAX_RAID_ARRAY_NAME_LENGTH = 32


class MDLevel(GoEnum):
    NAMES = sequential("raid1")
    TYPE_NAME = "MDLevel"


class MDMetadata(GoEnum):
    """MD superblock format; the zero value ``1.0`` is omitted on output, as Talos does."""

    NAMES = sequential("1.0", "1.2")
    TYPE_NAME = "MDMetadata"


class RAIDVolumeSelector(Struct):
    """RAIDVolumeSelector: CEL expression matching the member volumes of the array."""

    match: Expression = yfield(
        "match", omitempty=True, default_factory=Expression, doc="CEL member selector."
    )


class RAIDProvisioningSpec(Struct):
    """RAIDProvisioningSpec: how the array members are chosen."""

    raid_volume_selector: RAIDVolumeSelector = yfield("volumeSelector", doc="Member selector.")

    def validate(self) -> list[str]:
        match = self.raid_volume_selector.match
        if match.is_zero():
            return ["provisioning.volumeSelector.match is required"]
        problem = match.validate()
        return [f"provisioning.volumeSelector.match: {problem}"] if problem else []


@register
class RAIDArrayConfigV1Alpha1(Document):
    """RAIDArrayConfig: provision a software RAID array."""

    KIND: ClassVar[str] = "RAIDArrayConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Array name (1-32 letters, digits, hyphens, underscores).")
    level: MDLevel = yfield("level", default_factory=MDLevel, doc="RAID level (raid1).")
    metadata_format: MDMetadata = yfield(
        "metadata",
        omitempty=True,
        default_factory=MDMetadata,
        doc="MD metadata format: 1.0 (default) or 1.2.",
    )
    provisioning_spec: RAIDProvisioningSpec = yfield("provisioning", doc="How the members are chosen.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = name_errors(self.name, MAX_RAID_ARRAY_NAME_LENGTH, underscores=True)
        errors += self.provisioning_spec.validate()
        return [], errors
