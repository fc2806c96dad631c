"""``machine.install``, ``machine.disks`` and ``machine.systemDiskEncryption`` of the v1alpha1 document.

The installer and the (deprecated) disk/encryption sections: what ``gen config --install-disk``
writes and what older configs still carry, so they must load and re-encode unchanged.
"""

from __future__ import annotations

from ...schema import Struct, yfield
from .values import DiskSize, InstallDiskSizeMatcher


class InstallDiskSelector(Struct):
    """Picks the install disk by its attributes (takes priority over ``disk``)."""

    size: InstallDiskSizeMatcher | None = yfield("size", omitempty=True, doc="Size condition, e.g. >= 1TB.")
    name: str = yfield("name", omitempty=True, doc="Disk name.")
    model: str = yfield("model", omitempty=True, doc="Disk model.")
    serial: str = yfield("serial", omitempty=True, doc="Disk serial number.")
    modalias: str = yfield("modalias", omitempty=True, doc="Disk modalias.")
    uuid: str = yfield("uuid", omitempty=True, doc="Disk UUID.")
    wwid: str = yfield("wwid", omitempty=True, doc="Disk WWID.")
    type: str = yfield("type", omitempty=True, doc="Disk type: ssd, hdd, nvme or sd.")
    bus_path: str = yfield("busPath", omitempty=True, doc="Disk bus path (wildcards allowed).")


class InstallExtensionConfig(Struct):
    """A system extension image to install (deprecated)."""

    extension_image: str = yfield("image", doc="Extension image reference.")


class InstallConfig(Struct):
    """``machine.install``."""

    install_disk: str = yfield(
        "disk",
        omitempty=True,
        doc="Install disk device path.",
        examples=[("The first NVMe disk.", "/dev/nvme0n1")],
    )
    install_disk_selector: InstallDiskSelector | None = yfield(
        "diskSelector",
        omitempty=True,
        doc="Install disk lookup by attributes.",
        examples=lambda: [
            (
                "Any NVMe disk of 200 GB or more.",
                InstallDiskSelector(size=InstallDiskSizeMatcher.parse(">= 200GB"), type="nvme"),
            )
        ],
    )
    install_extra_kernel_args: list[str] = yfield(
        "extraKernelArgs",
        omitempty=True,
        doc="Extra kernel args.",
        examples=[
            ("A serial console and classic interface names.", ["console=ttyS0,115200", "net.ifnames=0"])
        ],
    )
    install_image: str = yfield(
        "image",
        omitempty=True,
        doc="Installer image.",
        examples=[("A specific installer release.", "ghcr.io/siderolabs/installer:v1.11.0")],
    )
    install_extensions: list[InstallExtensionConfig] = yfield(
        "extensions", omitempty=True, doc="Deprecated system extensions."
    )
    install_bootloader: bool | None = yfield("bootloader", omitempty=True, doc="Deprecated, never worked.")
    install_wipe: bool | None = yfield("wipe", doc="Wipe the install disk first.")
    install_legacy_bios_support: bool | None = yfield(
        "legacyBIOSSupport", omitempty=True, doc="Mark the MBR partition bootable."
    )
    install_grub_use_uki_cmdline: bool | None = yfield(
        "grubUseUKICmdline", omitempty=True, doc="GRUB uses the UKI kernel command line."
    )


class DiskPartition(Struct):
    """A partition of an extra disk (deprecated)."""

    disk_size: DiskSize = yfield("size", omitempty=True, default_factory=DiskSize, doc="Partition size.")
    disk_mount_point: str = yfield("mountpoint", omitempty=True, doc="Mount point.")


class MachineDisk(Struct):
    """An extra disk to partition and mount (deprecated)."""

    device_name: str = yfield("device", omitempty=True, doc="Disk device.")
    disk_partitions: list[DiskPartition] = yfield("partitions", omitempty=True, doc="Partitions.")


class EncryptionKeyStatic(Struct):
    """A static passphrase key."""

    key_data: str = yfield("passphrase", omitempty=True, doc="The passphrase.")


class EncryptionKeyNodeID(Struct):
    """A key derived from the node UUID (no settings)."""


class EncryptionKeyKMS(Struct):
    """A key sealed by a KMS server."""

    kms_endpoint: str = yfield("endpoint", doc="KMS endpoint.")


class EncryptionKeyTPM(Struct):
    """A key sealed by the TPM."""

    tpm_check_secureboot_status_on_enroll: bool | None = yfield(
        "checkSecurebootStatusOnEnroll", omitempty=True, doc="Require Secure Boot when enrolling."
    )


class EncryptionKey(Struct):
    """One key slot of an encrypted partition."""

    key_static: EncryptionKeyStatic | None = yfield("static", omitempty=True, doc="Static key.")
    key_node_id: EncryptionKeyNodeID | None = yfield("nodeID", omitempty=True, doc="Node ID derived key.")
    key_kms: EncryptionKeyKMS | None = yfield("kms", omitempty=True, doc="KMS sealed key.")
    key_slot: int = yfield("slot", doc="LUKS2 key slot.")
    key_tpm: EncryptionKeyTPM | None = yfield("tpm", omitempty=True, doc="TPM sealed key.")


class EncryptionConfig(Struct):
    """Partition encryption settings."""

    encryption_provider: str = yfield("provider", doc="Encryption provider (luks2).")
    encryption_keys: list[EncryptionKey] = yfield("keys", doc="Keys.")
    encryption_cipher: str = yfield("cipher", omitempty=True, doc="Cipher.")
    encryption_key_size: int = yfield("keySize", omitempty=True, doc="Key size.")
    encryption_block_size: int = yfield("blockSize", omitempty=True, doc="Sector size.")
    encryption_perf_options: list[str] = yfield("options", omitempty=True, doc="--perf options.")


class SystemDiskEncryptionConfig(Struct):
    """``machine.systemDiskEncryption`` (deprecated, now VolumeConfig)."""

    state_partition: EncryptionConfig | None = yfield("state", omitempty=True, doc="STATE encryption.")
    ephemeral_partition: EncryptionConfig | None = yfield(
        "ephemeral", omitempty=True, doc="EPHEMERAL encryption."
    )
