"""VolumeConfig: provisioning, encryption and mount settings of Talos's own system volumes.

Talos lets operators resize/relocate ``EPHEMERAL``, encrypt ``STATE``, give ``ETCD``/``CRI``/
``KUBELET``/``LOG`` a dedicated partition, or back ``EPHEMERAL`` by memory, through this named
document (Talos ``block/volume_config.go``). Validation enforces which sections each system volume
accepts, with Talos's error texts.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import is_zero, yfield
from ...validation.located import by_subject, located, rebase
from .encryption import EncryptionSpec
from .enums import SetVolumeType
from .specs import MountSpec, ProvisioningSpec, ScrubConfig, SystemVolumeFilesystemSpec, TrimConfig

STATE = "STATE"
EPHEMERAL = "EPHEMERAL"
IMAGECACHE = "IMAGECACHE"
ETCD = "ETCD"
CRI = "CRI"
KUBELET = "KUBELET"
LOG = "LOG"

ALLOWED_SYSTEM_VOLUMES = (STATE, EPHEMERAL, IMAGECACHE, ETCD, CRI, KUBELET, LOG)
PROMOTABLE_SYSTEM_VOLUMES = (ETCD, CRI, KUBELET, LOG)
"""System volumes that live under EPHEMERAL unless given a dedicated partition via provisioning."""


def go_quote_list(items: tuple[str, ...] | list[str]) -> str:
    """Go's ``%q`` of a ``[]string``: ``["A" "B"]``."""
    return "[" + " ".join(f'"{item}"' for item in items) + "]"


@register
class VolumeConfigV1Alpha1(Document):
    """VolumeConfig: configuration of one system volume."""

    KIND: ClassVar[str] = "VolumeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield(
        "name", doc="System volume name (STATE, EPHEMERAL, IMAGECACHE, ETCD, CRI, KUBELET, LOG)."
    )
    volume_type: SetVolumeType | None = yfield(
        "volumeType", omitempty=True, doc="Volume type: partition or memory."
    )
    provisioning_spec: ProvisioningSpec = yfield(
        "provisioning", omitempty=True, doc="How the volume is allocated."
    )
    filesystem_spec: SystemVolumeFilesystemSpec = yfield(
        "filesystem", omitempty=True, doc="Filesystem tunables (applied when formatting)."
    )
    encryption_spec: EncryptionSpec = yfield("encryption", omitempty=True, doc="How the volume is encrypted.")
    mount_spec: MountSpec = yfield("mount", omitempty=True, doc="Additional mount options.")
    trim_spec: TrimConfig | None = yfield("trim", omitempty=True, doc="Per-volume fstrim settings.")
    scrub_spec: ScrubConfig | None = yfield("scrub", omitempty=True, doc="Per-volume scrub settings.")

    def vtype(self) -> str:
        return "partition" if self.volume_type is None else self.volume_type.name

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if self.name not in ALLOWED_SYSTEM_VOLUMES:
            return [], [
                located(f"only {go_quote_list(ALLOWED_SYSTEM_VOLUMES)} volumes are supported", "name")
            ]
        errors = by_subject(
            self._constraint_errors(),
            {
                "volumeType": "volumeType",
                "provisioning": "provisioning",
                "state-locked": "encryption.keys",
                "mount": "mount",
                "filesystem": "filesystem",
            },
        )
        vtype = self.vtype()
        if vtype == "partition":
            errors += rebase("provisioning", self.provisioning_spec.validate(False, True))
            errors += rebase("encryption", self.encryption_spec.validate())
        elif vtype == "memory":
            prov = self.provisioning_spec
            if not is_zero(self.encryption_spec):
                errors.append(
                    located(f'encryption config is not allowed for volumeType "{vtype}"', "encryption")
                )
            if not prov.disk_selector_spec.match.is_zero():
                errors.append(
                    located(
                        f'disk selector is not allowed for volumeType "{vtype}"', "provisioning.diskSelector"
                    )
                )
            if prov.provisioning_grow is not None:
                errors.append(located(f'grow is not allowed for volumeType "{vtype}"', "provisioning.grow"))
            if not prov.provisioning_max_size.is_zero():
                errors.append(
                    located(f'max size is not allowed for volumeType "{vtype}"', "provisioning.maxSize")
                )
            if prov.provisioning_min_size.is_zero():
                errors.append(
                    located(
                        f'size (provisioning.minSize) is required for volumeType "{vtype}"',
                        "provisioning.minSize",
                    )
                )
        else:
            errors.append(located(f'unsupported volume type "{vtype}"', "volumeType"))
        if self.trim_spec is not None:
            errors += rebase("trim", self.trim_spec.validate())
        if self.scrub_spec is not None:
            errors += rebase("scrub", self.scrub_spec.validate())
        return [], errors

    def _constraint_errors(self) -> list[str]:
        """Which sections each system volume accepts (Talos ``validateVolumeConstraints``)."""
        errors: list[str] = []
        name = self.name
        if name == STATE:
            if self.volume_type is not None and self.volume_type.name != "partition":
                errors.append(f'volumeType "{self.volume_type}" is not allowed for the "{name}" volume')
            if self.provisioning_spec.requested():
                errors.append(f'provisioning config is not allowed for the "{name}" volume')
            for key in self.encryption_spec.encryption_keys:
                if key.lock_to_state():
                    errors.append(f'state-locked key is not allowed for the "{name}" volume')
            if self.mount_spec.is_set():
                errors.append(f'mount config is not allowed for the "{name}" volume')
        elif name == IMAGECACHE:
            if self.mount_spec.is_set():
                errors.append(f'mount config is not allowed for the "{name}" volume')
            if self.filesystem_spec.xfs_spec is not None:
                errors.append(f'filesystem config is not allowed for the "{name}" volume')
        elif (
            name in PROMOTABLE_SYSTEM_VOLUMES
            and self.mount_spec.is_set()
            and not self.provisioning_spec.requested()
        ):
            errors.append(
                f'mount config for the "{name}" volume is only supported when it is provisioned '
                "onto a dedicated partition"
            )
        return errors

    def encryption(self) -> EncryptionSpec | None:
        """The encryption settings, or None when no provider is configured."""
        return self.encryption_spec if self.encryption_spec.is_configured() else None

    def redact(self, replacement: str) -> None:
        self.encryption_spec.redact(replacement)
