"""Sub-structures shared by the volume documents: provisioning, filesystem, mounts, trim and scrub.

Talos reuses the same ``provisioning`` block (disk selector, grow, min/max size) in system, user,
raw and swap volumes, the same per-volume ``trim``/``scrub`` overrides in system, user and existing
volumes, and checks them with shared rules; keeping them here lets every document module stay small
and apply identical validation with Talos's error texts.
"""

from __future__ import annotations

from ...codecs import Duration
from ...schema import Struct, yfield
from ...validation.located import located
from ..common.cel import Expression
from .enums import FilesystemType
from .sizes import ByteSize, Size, ibytes

TRIM_MIN_CHUNK_SIZE = 1024 * 1024
"""Smallest non-zero trim chunk (Talos ``constants.FilesystemTrimMinChunkSize``)."""
TRIM_MAX_MIN_LENGTH = 128 * 1024 * 1024
"""Largest trim minimum length (Talos ``constants.FilesystemTrimMaxMinLength``)."""
MIN_SCRUB_INTERVAL_NS = 10 * 10**9
"""Shortest scrub interval, 10s (Talos ``MinScrubInterval``)."""


class SetDuration(Duration):
    """A ``*time.Duration`` target: once set it is written even when zero (``chunkDelay: 0s``)."""

    def is_zero(self) -> bool:
        return False


class DiskSelector(Struct):
    """DiskSelector: CEL expression choosing the disk a volume is created on."""

    match: Expression = yfield(
        "match", default_factory=Expression, omitempty=True, doc="CEL expression matched against each disk."
    )


class ProvisioningSpec(Struct):
    """ProvisioningSpec: where a volume is allocated and how big it may be."""

    disk_selector_spec: DiskSelector = yfield(
        "diskSelector", omitempty=True, doc="Disk selection expression."
    )
    provisioning_grow: bool | None = yfield("grow", omitempty=True, doc="Grow the volume to fill the disk.")
    provisioning_min_size: ByteSize = yfield(
        "minSize", default_factory=ByteSize, omitempty=True, doc="Minimum size, e.g. 2.5GiB."
    )
    provisioning_max_size: Size = yfield(
        "maxSize", default_factory=Size, omitempty=True, doc="Maximum size, e.g. 50GiB or 80%."
    )

    def is_zero(self) -> bool:
        return (
            self.provisioning_grow is None
            and self.provisioning_max_size.is_zero()
            and self.provisioning_min_size.is_zero()
            and self.disk_selector_spec.match.is_zero()
        )

    def requested(self) -> bool:
        """Talos ``ProvisioningRequested``: any provisioning setting is present."""
        return not self.is_zero()

    def max_size_negative(self) -> bool:
        return self.provisioning_max_size.is_negative()

    def validate(self, required: bool, size_supported: bool) -> list[str]:
        """Talos ``ProvisioningSpec.Validate``."""
        errors: list[str] = []
        match = self.disk_selector_spec.match
        if not match.is_zero():
            problem = match.validate()
            if problem is not None:
                errors.append(located(f"disk selector is invalid: {problem}", "diskSelector.match"))
        elif required:
            errors.append(located("disk selector is required", "diskSelector.match"))
        min_size, max_size = self.provisioning_min_size, self.provisioning_max_size
        if size_supported:
            if (
                not min_size.is_zero()
                and not max_size.is_zero()
                and not max_size.is_relative()
                and not max_size.is_negative()
            ):
                if min_size.bytes() > max_size.bytes():
                    errors.append(located("min size is greater than max size", "minSize"))
            elif required and min_size.is_zero() and max_size.is_zero():
                errors.append(located("min size or max size is required", "maxSize"))
            if min_size.is_negative():
                errors.append(located("min size cannot be negative", "minSize"))
        elif not min_size.is_zero() or not max_size.is_zero() or self.provisioning_grow is not None:
            errors.append(located("min size, max size and grow are not supported", "minSize"))
        return errors


class XFSSpec(Struct):
    """XFSSpec: XFS-specific formatting options."""

    min_allocation_group_size_config: ByteSize = yfield(
        "minAllocationGroupSize",
        default_factory=ByteSize,
        omitempty=True,
        doc="Lower bound for the XFS allocation group size.",
    )


class FilesystemSpec(Struct):
    """FilesystemSpec: filesystem type and options of a user volume."""

    filesystem_type: FilesystemType = yfield(
        "type", default_factory=FilesystemType, omitempty=True, doc="Filesystem type (default xfs)."
    )
    project_quota_support_config: bool | None = yfield(
        "projectQuotaSupport", omitempty=True, doc="Enable project quotas (xfs only)."
    )
    xfs_spec: XFSSpec | None = yfield("xfs", omitempty=True, doc="XFS-specific options.")

    def type(self) -> str:
        """Effective filesystem type: ``xfs`` when unset."""
        return "xfs" if self.filesystem_type.is_zero() else self.filesystem_type.name

    def validate(self) -> list[str]:
        """Talos ``FilesystemSpec.Validate`` (returns at most one error, like Go)."""
        if self.filesystem_type.name not in ("none", "xfs", "ext4", "btrfs"):
            return [located(f"unsupported filesystem type: {self.filesystem_type}", "type")]
        if self.project_quota_support_config and self.type() != "xfs":
            return [
                located("project quota support is only available for xfs filesystem", "projectQuotaSupport")
            ]
        if self.xfs_spec is not None and self.type() != "xfs":
            return [located("xfs options are only available for xfs filesystem", "xfs")]
        return []


class SystemVolumeFilesystemSpec(Struct):
    """SystemVolumeFilesystemSpec: tunables of a system volume's (fixed) filesystem."""

    xfs_spec: XFSSpec | None = yfield("xfs", omitempty=True, doc="XFS-specific options.")


class MountSpec(Struct):
    """MountSpec: mount options of a system volume."""

    mount_secure: bool | None = yfield(
        "secure", omitempty=True, doc="Mount with nosuid,nodev (default true)."
    )
    mount_disable_access_time: bool | None = yfield(
        "disableAccessTime", omitempty=True, doc="Disable access time updates (noatime)."
    )

    def is_set(self) -> bool:
        return self.mount_secure is not None or self.mount_disable_access_time is not None


class UserMountSpec(Struct):
    """UserMountSpec: mount options of a user volume."""

    mount_disable_access_time: bool | None = yfield(
        "disableAccessTime", omitempty=True, doc="Disable access time updates (noatime)."
    )
    mount_secure: bool | None = yfield(
        "secure", omitempty=True, doc="Mount with nosuid,nodev,noexec (default true)."
    )


class TrimConfig(Struct):
    """TrimConfig: per-volume override of the global FilesystemTrimConfig."""

    trim_enabled: bool | None = yfield(
        "enabled", omitempty=True, doc="Enable or disable trimming of this volume."
    )
    trim_interval: Duration = yfield(
        "interval", default_factory=Duration, omitempty=True, doc="Trim interval for this volume."
    )
    trim_chunk_size: ByteSize = yfield(
        "chunkSize", default_factory=ByteSize, omitempty=True, doc="Size of the range trimmed at once."
    )
    trim_chunk_delay: SetDuration | None = yfield(
        "chunkDelay", omitempty=True, doc="Delay between trimmed chunks."
    )
    trim_min_length: ByteSize = yfield(
        "minLength", default_factory=ByteSize, omitempty=True, doc="Smallest free range that is discarded."
    )

    def validate(self) -> list[str]:
        """Talos ``TrimConfig.Validate`` (first failing rule only)."""
        if self.trim_interval.nanoseconds < 0:
            return [located("trim interval cannot be negative", "interval")]
        if self.trim_chunk_delay is not None and self.trim_chunk_delay.nanoseconds < 0:
            return [located("trim chunk delay cannot be negative", "chunkDelay")]
        problem = validate_trim_sizes(self.trim_chunk_size, self.trim_min_length)
        where = "chunkSize" if problem and problem.startswith("chunk") else "minLength"
        return [located(f"trim {problem}", where)] if problem else []


class ScrubConfig(Struct):
    """ScrubConfig: per-volume override of the global FilesystemScrubConfig."""

    scrub_enabled: bool | None = yfield(
        "enabled", omitempty=True, doc="Enable or disable scrubbing of this volume."
    )
    scrub_interval: Duration = yfield(
        "interval", default_factory=Duration, omitempty=True, doc="Scrub interval for this volume."
    )

    def validate(self) -> list[str]:
        """Talos ``ScrubConfig.Validate``."""
        ns = self.scrub_interval.nanoseconds
        if ns != 0 and ns < MIN_SCRUB_INTERVAL_NS:
            return [
                located(f"scrub interval: minimum value is {Duration(MIN_SCRUB_INTERVAL_NS)}", "interval")
            ]
        return []


def validate_trim_sizes(chunk_size: ByteSize, min_length: ByteSize) -> str | None:
    """Shared trim size rules (global and per-volume); the error text without the ``trim`` prefix."""
    if chunk_size.is_negative():
        return "chunk size cannot be negative"
    if 0 < chunk_size.bytes() < TRIM_MIN_CHUNK_SIZE:
        return f"chunk size cannot be less than {ibytes(TRIM_MIN_CHUNK_SIZE)}"
    if min_length.is_negative():
        return "minimum length cannot be negative"
    if min_length.bytes() > TRIM_MAX_MIN_LENGTH:
        return f"minimum length cannot be greater than {ibytes(TRIM_MAX_MIN_LENGTH)}"
    return None


def validate_trim_scrub(trim: TrimConfig | None, scrub: ScrubConfig | None) -> list[str]:
    """Errors of the optional per-volume ``trim`` and ``scrub`` sections."""
    errors: list[str] = []
    if trim is not None:
        errors += trim.validate()
    if scrub is not None:
        errors += scrub.validate()
    return errors


def name_errors(name: str, max_length: int | None, underscores: bool = False) -> list[str]:
    """Talos's shared volume-name rules: required, length, allowed characters."""
    errors: list[str] = []
    if name == "":
        errors.append("name is required")
    if max_length is not None and not 1 <= len(name) <= max_length:
        errors.append(f"name must be between 1 and {max_length} characters long")
    extra = "-_" if underscores else "-"
    if any(not (ch.isascii() and ch.isalnum()) and ch not in extra for ch in name):
        if underscores:
            errors.append("name can only contain ASCII letters, digits, hyphens and underscores")
        else:
            errors.append("name can only contain lowercase and uppercase ASCII letters, digits, and hyphens")
    return errors
