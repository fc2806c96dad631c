"""Block device and volume documents (Talos ``pkg/machinery/config/types/block``).

Importing this package registers VolumeConfig, UserVolumeConfig, RawVolumeConfig, SwapVolumeConfig,
ExistingVolumeConfig, ExternalVolumeConfig, ZswapConfig, FilesystemTrimConfig and
FilesystemScrubConfig with the document registry.
"""

from __future__ import annotations

from ..common.cel import CELSyntaxError, Expression, check_syntax
from .encryption import (
    EncryptionKey,
    EncryptionKeyKMS,
    EncryptionKeyNodeID,
    EncryptionKeyStatic,
    EncryptionKeyTPM,
    EncryptionKeyTPMOptions,
    EncryptionSpec,
)
from .enums import EncryptionProviderType, FilesystemType, SetVolumeType, VolumeType
from .foreign_volumes import (
    ExistingMountSpec,
    ExistingVolumeConfigV1Alpha1,
    ExternalMountSpec,
    ExternalVolumeConfigV1Alpha1,
    NFSMountSpec,
    VirtiofsMountSpec,
    VolumeDiscoverySpec,
    VolumeSelector,
)
from .node_settings import FilesystemScrubConfigV1Alpha1, FilesystemTrimConfigV1Alpha1, ZswapConfigV1Alpha1
from .sizes import ByteSize, Size, ibytes, parse_bytes
from .specs import (
    DiskSelector,
    FilesystemSpec,
    MountSpec,
    ProvisioningSpec,
    ScrubConfig,
    SystemVolumeFilesystemSpec,
    TrimConfig,
    UserMountSpec,
    XFSSpec,
)
from .user_volumes import RawVolumeConfigV1Alpha1, SwapVolumeConfigV1Alpha1, UserVolumeConfigV1Alpha1
from .volume_config import VolumeConfigV1Alpha1

__all__ = [
    "ByteSize",
    "CELSyntaxError",
    "DiskSelector",
    "EncryptionKey",
    "EncryptionKeyKMS",
    "EncryptionKeyNodeID",
    "EncryptionKeyStatic",
    "EncryptionKeyTPM",
    "EncryptionKeyTPMOptions",
    "EncryptionProviderType",
    "EncryptionSpec",
    "ExistingMountSpec",
    "ExistingVolumeConfigV1Alpha1",
    "Expression",
    "ExternalMountSpec",
    "ExternalVolumeConfigV1Alpha1",
    "FilesystemScrubConfigV1Alpha1",
    "FilesystemSpec",
    "FilesystemTrimConfigV1Alpha1",
    "FilesystemType",
    "MountSpec",
    "NFSMountSpec",
    "ProvisioningSpec",
    "RawVolumeConfigV1Alpha1",
    "ScrubConfig",
    "SetVolumeType",
    "Size",
    "SwapVolumeConfigV1Alpha1",
    "SystemVolumeFilesystemSpec",
    "TrimConfig",
    "UserMountSpec",
    "UserVolumeConfigV1Alpha1",
    "VirtiofsMountSpec",
    "VolumeConfigV1Alpha1",
    "VolumeDiscoverySpec",
    "VolumeSelector",
    "VolumeType",
    "XFSSpec",
    "ZswapConfigV1Alpha1",
    "check_syntax",
    "ibytes",
    "parse_bytes",
]
