"""Node-wide block settings: ZswapConfig, FilesystemTrimConfig and FilesystemScrubConfig.

These unnamed documents switch on compressed swap caching and the periodic fstrim / xfs_scrub
schedules that apply to every eligible volume (per-volume ``trim``/``scrub`` sections override them).
Talos sources: ``block/zswap_config.go``, ``block/filesystem_trim_config.go``, ``block/fs_scrub.go``.
"""

from __future__ import annotations

from typing import ClassVar

from ...codecs import Duration
from ...document import Document, register
from ...schema import yfield
from .sizes import ByteSize
from .specs import MIN_SCRUB_INTERVAL_NS, validate_trim_sizes

DEFAULT_ZSWAP_MAX_POOL_PERCENT = 20
DEFAULT_SCRUB_INTERVAL_NS = 7 * 24 * 3600 * 10**9


@register
class ZswapConfigV1Alpha1(Document):
    """ZswapConfig: enable zswap (compressed memory pool in front of swap)."""

    KIND: ClassVar[str] = "ZswapConfig"

    max_pool_percent_config: int | None = yfield(
        "maxPoolPercent", omitempty=True, doc="Maximum share of RAM zswap may use, in percent."
    )
    shrinker_enabled_config: bool | None = yfield(
        "shrinkerEnabled", omitempty=True, doc="Let the kernel move cold pages from zswap to the swap device."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        value = self.max_pool_percent_config
        if value is not None and not 0 <= value <= 100:
            return [], ["maxPoolPercent must be between 0 and 100"]
        return [], []

    def max_pool_percent(self) -> int:
        return (
            DEFAULT_ZSWAP_MAX_POOL_PERCENT
            if self.max_pool_percent_config is None
            else self.max_pool_percent_config
        )

    def shrinker_enabled(self) -> bool:
        return bool(self.shrinker_enabled_config)


@register
class FilesystemTrimConfigV1Alpha1(Document):
    """FilesystemTrimConfig: periodic fstrim of mounted filesystems."""

    KIND: ClassVar[str] = "FilesystemTrimConfig"

    trim_interval: Duration = yfield(
        "interval", default_factory=Duration, omitempty=True, doc="How often filesystems are trimmed."
    )
    trim_chunk_size: ByteSize = yfield(
        "chunkSize", default_factory=ByteSize, omitempty=True, doc="Size of the range trimmed at once."
    )
    trim_chunk_delay: Duration = yfield(
        "chunkDelay", default_factory=Duration, omitempty=True, doc="Delay between trimmed chunks."
    )
    trim_min_length: ByteSize = yfield(
        "minLength", default_factory=ByteSize, omitempty=True, doc="Smallest free range that is discarded."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if self.trim_interval.nanoseconds < 0:
            return [], ["interval cannot be negative"]
        if self.trim_chunk_delay.nanoseconds < 0:
            return [], ["chunk delay cannot be negative"]
        problem = validate_trim_sizes(self.trim_chunk_size, self.trim_min_length)
        return [], [problem] if problem else []


@register
class FilesystemScrubConfigV1Alpha1(Document):
    """FilesystemScrubConfig: periodic online scrub (xfs_scrub) of mounted filesystems."""

    KIND: ClassVar[str] = "FilesystemScrubConfig"

    scrub_interval: Duration = yfield(
        "interval", default_factory=Duration, omitempty=True, doc="How often filesystems are scrubbed."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        ns = self.scrub_interval.nanoseconds
        if ns != 0 and ns < MIN_SCRUB_INTERVAL_NS:
            return [], [f"scrub interval: minimum value is {Duration(MIN_SCRUB_INTERVAL_NS)}"]
        return [], []

    def interval(self) -> Duration:
        """The scrub interval, one week when unset."""
        return self.scrub_interval if self.scrub_interval.nanoseconds else Duration(DEFAULT_SCRUB_INTERVAL_NS)
