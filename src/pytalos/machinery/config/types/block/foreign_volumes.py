"""Volumes Talos mounts but did not create: ExistingVolumeConfig and ExternalVolumeConfig.

An existing volume is a partition or disk found by a CEL volume selector; an external volume comes
over the network or a hypervisor channel (virtiofs, NFS). Both are mounted under
``/var/mnt/<name>``; these named documents describe how to find and mount them (Talos
``block/existing_volume_config.go`` and ``block/external_volume_config.go``).
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ..common.cel import Expression
from .enums import FilesystemType, NFSLocking, NFSRecovery, NFSSecurity, NFSTransport, NFSVersion
from .specs import ScrubConfig, TrimConfig, name_errors, validate_trim_scrub
from .user_volumes import PARTITION_LABEL_LENGTH

MAX_EXTERNAL_VOLUME_NAME_LENGTH = PARTITION_LABEL_LENGTH - len("e-")


class VolumeSelector(Struct):
    """VolumeSelector: CEL expression choosing an existing volume."""

    match: Expression = yfield(
        "match", default_factory=Expression, omitempty=True, doc="CEL expression matched against each volume."
    )


class VolumeDiscoverySpec(Struct):
    """VolumeDiscoverySpec: how an existing volume is found."""

    volume_selector_config: VolumeSelector = yfield("volumeSelector", omitempty=True, doc="Volume selector.")

    def validate(self) -> list[str]:
        match = self.volume_selector_config.match
        if match.is_zero():
            return ["volume selector is required"]
        problem = match.validate()
        return [f"volume selector is invalid: {problem}"] if problem else []


class ExistingMountSpec(Struct):
    """ExistingMountSpec: mount options of an existing volume."""

    mount_read_only: bool | None = yfield("readOnly", omitempty=True, doc="Mount read-only.")
    mount_disable_access_time: bool | None = yfield(
        "disableAccessTime", omitempty=True, doc="Disable access time updates (noatime)."
    )
    mount_secure: bool | None = yfield(
        "secure", omitempty=True, doc="Mount with nosuid,nodev,noexec (default true)."
    )


@register
class ExistingVolumeConfigV1Alpha1(Document):
    """ExistingVolumeConfig: mount a partition or disk created outside Talos."""

    KIND: ClassVar[str] = "ExistingVolumeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Volume name (letters, digits, hyphens).")
    volume_discovery_spec: VolumeDiscoverySpec = yfield(
        "discovery", omitempty=True, doc="How to find the volume."
    )
    mount_spec: ExistingMountSpec = yfield("mount", omitempty=True, doc="Additional mount options.")
    trim_spec: TrimConfig | None = yfield("trim", omitempty=True, doc="Per-volume fstrim settings.")
    scrub_spec: ScrubConfig | None = yfield("scrub", omitempty=True, doc="Per-volume scrub settings.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = name_errors(self.name, None)
        errors += self.volume_discovery_spec.validate()
        errors += validate_trim_scrub(self.trim_spec, self.scrub_spec)
        return [], errors


class VirtiofsMountSpec(Struct):
    """VirtiofsMountSpec: virtiofs share to mount."""

    virtiofs_tag: str = yfield("tag", doc="virtiofs tag exported by the hypervisor.")


class NFSMountSpec(Struct):
    """NFSMountSpec: NFS export and client options."""

    server: str = yfield("server", omitempty=True, doc="NFS server hostname or IP address.")
    path: str = yfield("path", omitempty=True, doc="Absolute path of the export.")
    version: NFSVersion = yfield(
        "version", default_factory=NFSVersion, omitempty=True, doc="NFS protocol version."
    )
    port: int = yfield("port", omitempty=True, doc="NFS server port.")
    transport: NFSTransport = yfield(
        "transport", default_factory=NFSTransport, omitempty=True, doc="Transport protocol."
    )
    mount_port: int = yfield("mountPort", omitempty=True, doc="Mount protocol port (NFSv3).")
    mount_transport: NFSTransport = yfield(
        "mountTransport",
        default_factory=NFSTransport,
        omitempty=True,
        doc="Mount protocol transport (NFSv3).",
    )
    locking: NFSLocking = yfield(
        "locking", default_factory=NFSLocking, omitempty=True, doc="NFSv3 locking mode."
    )
    recovery: NFSRecovery = yfield(
        "recovery", default_factory=NFSRecovery, omitempty=True, doc="Behaviour after a request times out."
    )
    timeout: int = yfield("timeout", omitempty=True, doc="Request timeout in deciseconds.")
    retransmissions: int = yfield("retransmissions", omitempty=True, doc="Retransmissions before recovery.")
    read_size: int = yfield("readSize", omitempty=True, doc="Maximum read payload in bytes.")
    write_size: int = yfield("writeSize", omitempty=True, doc="Maximum write payload in bytes.")
    connections: int = yfield("connections", omitempty=True, doc="Number of TCP connections.")
    reserved_port: bool | None = yfield("reservedPort", omitempty=True, doc="Use a privileged source port.")
    security: NFSSecurity = yfield(
        "security", default_factory=NFSSecurity, omitempty=True, doc="RPC security flavour."
    )


class ExternalMountSpec(Struct):
    """ExternalMountSpec: mount options and source of an external volume."""

    mount_read_only: bool | None = yfield("readOnly", omitempty=True, doc="Mount read-only.")
    mount_disable_access_time: bool | None = yfield(
        "disableAccessTime", omitempty=True, doc="Disable access time updates (noatime)."
    )
    mount_secure: bool | None = yfield(
        "secure", omitempty=True, doc="Mount with nosuid,nodev,noexec (default true)."
    )
    mount_virtiofs: VirtiofsMountSpec | None = yfield("virtiofs", omitempty=True, doc="virtiofs source.")
    mount_nfs: NFSMountSpec | None = yfield("nfs", omitempty=True, doc="NFS source.")


@register
class ExternalVolumeConfigV1Alpha1(Document):
    """ExternalVolumeConfig: mount a network or hypervisor-provided filesystem."""

    KIND: ClassVar[str] = "ExternalVolumeConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Mount name (1-34 letters, digits, hyphens).")
    filesystem_type: FilesystemType = yfield(
        "filesystemType", default_factory=FilesystemType, doc="Filesystem type: virtiofs or nfs."
    )
    mount_spec: ExternalMountSpec = yfield("mount", omitempty=True, doc="Mount options and source.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors = name_errors(self.name, MAX_EXTERNAL_VOLUME_NAME_LENGTH)
        fstype = self.filesystem_type.name
        if fstype == "virtiofs":
            virtiofs = self.mount_spec.mount_virtiofs
            if virtiofs is None:
                errors.append("virtiofs mount spec is required")
            elif virtiofs.virtiofs_tag == "":
                errors.append("virtiofs tag is required")
        elif fstype == "nfs":
            nfs = self.mount_spec.mount_nfs
            if nfs is None:
                errors.append("nfs mount spec is required")
            else:
                if nfs.server == "":
                    errors.append("nfs server is required")
                if not nfs.path.startswith("/"):
                    errors.append("nfs path must be absolute")
        else:
            errors.append(f"invalid filesystem type: {fstype}")
        return [], errors
