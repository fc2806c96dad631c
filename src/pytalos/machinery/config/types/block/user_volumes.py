"""User-defined volumes: UserVolumeConfig, RawVolumeConfig and SwapVolumeConfig.

These three named documents ask Talos to carve a partition (or take a whole disk, or a directory)
for workloads: a mounted filesystem under ``/var/mnt/<name>``, an unformatted partition for CSI
drivers, or swap space. They share provisioning and encryption blocks and the same name rules; the
partition label is ``u-``/``r-``/``s-`` plus the name, which is why names are limited to 34 chars.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import is_zero, yfield
from ...validation.located import at, located, rebase
from .encryption import EncryptionSpec
from .enums import SetVolumeType
from .specs import FilesystemSpec, ProvisioningSpec, ScrubConfig, TrimConfig, UserMountSpec, name_errors

PARTITION_LABEL_LENGTH = 36
MAX_USER_VOLUME_NAME_LENGTH = PARTITION_LABEL_LENGTH - len("u-")
MAX_RAW_VOLUME_NAME_LENGTH = PARTITION_LABEL_LENGTH - len("r-")
MAX_SWAP_VOLUME_NAME_LENGTH = PARTITION_LABEL_LENGTH - len("s-")


@register
class UserVolumeConfigV1Alpha1(Document):
    """UserVolumeConfig: a volume mounted under /var/mnt/<name> for workloads."""

    KIND: ClassVar[str] = "UserVolumeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Volume name (1-34 letters, digits, hyphens).")
    volume_type: SetVolumeType | None = yfield(
        "volumeType", omitempty=True, doc="Volume type: partition (default), disk or directory."
    )
    provisioning_spec: ProvisioningSpec = yfield(
        "provisioning", omitempty=True, doc="How the volume is allocated."
    )
    filesystem_spec: FilesystemSpec = yfield("filesystem", omitempty=True, doc="How the volume is formatted.")
    encryption_spec: EncryptionSpec = yfield("encryption", omitempty=True, doc="How the volume is encrypted.")
    mount_spec: UserMountSpec = yfield("mount", omitempty=True, doc="Additional mount options.")
    trim_spec: TrimConfig | None = yfield("trim", omitempty=True, doc="Per-volume fstrim settings.")
    scrub_spec: ScrubConfig | None = yfield("scrub", omitempty=True, doc="Per-volume scrub settings.")

    def vtype(self) -> str:
        return "partition" if self.volume_type is None else self.volume_type.name

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = at("name", name_errors(self.name, MAX_USER_VOLUME_NAME_LENGTH))
        vtype = self.vtype()
        if vtype == "directory":
            if self.provisioning_spec.requested():
                errors.append(
                    located("provisioning spec is invalid for volumeType directory", "provisioning")
                )
            if not is_zero(self.encryption_spec):
                errors.append(located("encryption spec is invalid for volumeType directory", "encryption"))
            if not is_zero(self.filesystem_spec):
                errors.append(located("filesystem spec is invalid for volumeType directory", "filesystem"))
            if self.mount_spec.mount_disable_access_time is not None:
                errors.append(
                    located(
                        "mount.disableAccessTime is invalid for volumeType directory",
                        "mount.disableAccessTime",
                    )
                )
        elif vtype in ("disk", "partition"):
            errors += rebase("provisioning", self.provisioning_spec.validate(True, vtype == "partition"))
            errors += rebase("filesystem", self.filesystem_spec.validate())
            errors += rebase("encryption", self.encryption_spec.validate())
        else:
            errors.append(located(f'unsupported volume type "{vtype}"', "volumeType"))
        if self.trim_spec is not None:
            errors += rebase("trim", self.trim_spec.validate())
        if self.scrub_spec is not None:
            errors += rebase("scrub", self.scrub_spec.validate())
        return [], errors

    def encryption(self) -> EncryptionSpec | None:
        return self.encryption_spec if self.encryption_spec.is_configured() else None

    def redact(self, replacement: str) -> None:
        self.encryption_spec.redact(replacement)


class _PartitionVolume(Document):
    """Common shape of RawVolumeConfig and SwapVolumeConfig: name, provisioning, encryption."""

    MAX_NAME_LENGTH: ClassVar[int] = MAX_RAW_VOLUME_NAME_LENGTH
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Volume name (1-34 letters, digits, hyphens).")
    provisioning_spec: ProvisioningSpec = yfield(
        "provisioning", omitempty=True, doc="How the volume is allocated."
    )
    encryption_spec: EncryptionSpec = yfield("encryption", omitempty=True, doc="How the volume is encrypted.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = at("name", name_errors(self.name, self.MAX_NAME_LENGTH))
        errors += rebase("provisioning", self.provisioning_spec.validate(True, True))
        errors += rebase("encryption", self.encryption_spec.validate())
        return [], errors

    def encryption(self) -> EncryptionSpec | None:
        return self.encryption_spec if self.encryption_spec.is_configured() else None

    def redact(self, replacement: str) -> None:
        self.encryption_spec.redact(replacement)


@register
class RawVolumeConfigV1Alpha1(_PartitionVolume):
    """RawVolumeConfig: an unformatted partition (label ``r-<name>``), e.g. for CSI provisioners."""

    KIND: ClassVar[str] = "RawVolumeConfig"
    MAX_NAME_LENGTH: ClassVar[int] = MAX_RAW_VOLUME_NAME_LENGTH


@register
class SwapVolumeConfigV1Alpha1(_PartitionVolume):
    """SwapVolumeConfig: a partition (label ``s-<name>``) activated as swap."""

    KIND: ClassVar[str] = "SwapVolumeConfig"
    MAX_NAME_LENGTH: ClassVar[int] = MAX_SWAP_VOLUME_NAME_LENGTH
