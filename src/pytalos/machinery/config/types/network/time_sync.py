"""``TimeSyncConfig``: NTP servers or PTP devices used to keep the clock in sync.

NTP and PTP are mutually exclusive; a PTP device path (``/dev/ptp*``) listed as an NTP server and a
non-device path listed as a PTP device are the usual mistakes, reported with Talos's messages.
"""

from __future__ import annotations

import posixpath
from typing import ClassVar

from ...codecs import Duration
from ...document import Document, register
from ...schema import Struct, yfield

PTP_DEVICE_PATH_PREFIX = "/dev/"


def is_ptp_device_path(path: str) -> bool:
    """Whether a time source names a device (``/dev/...``) rather than an NTP server."""
    return path.startswith(PTP_DEVICE_PATH_PREFIX)


def ptp_device_path_error(path: str) -> str | None:
    """A PTP device must be a clean path directly under /dev named ``ptp*`` (``/dev/ptp_kvm``)."""
    if posixpath.normpath(path) != path:
        return f'PTP device path "{path}" is not clean'
    if posixpath.dirname(path) != "/dev":
        return f'PTP device path "{path}" should be directly under {PTP_DEVICE_PATH_PREFIX}'
    if not posixpath.basename(path).startswith("ptp"):
        return f"PTP device path \"{path}\" should have a name starting with 'ptp'"
    return None


class NTPConfig(Struct):
    servers: list[str] = yfield("servers", omitempty=True, doc="NTP servers (default time.cloudflare.com).")
    use_nts: bool | None = yfield("useNTS", omitempty=True, doc="Use Network Time Security (NTS).")


class PTPConfig(Struct):
    devices: list[str] = yfield("devices", omitempty=True, doc="PTP devices, e.g. /dev/ptp0.")


@register
class TimeSyncConfigV1Alpha1(Document):
    """Time synchronization settings."""

    KIND: ClassVar[str] = "TimeSyncConfig"

    enabled: bool | None = yfield("enabled", omitempty=True, doc="Enable time sync (default true).")
    boot_timeout: Duration = yfield(
        "bootTimeout", omitempty=True, default_factory=Duration, doc="How long boot waits for time sync."
    )
    ntp: NTPConfig | None = yfield("ntp", omitempty=True, doc="NTP settings.")
    ptp: PTPConfig | None = yfield("ptp", omitempty=True, doc="PTP settings.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if self.boot_timeout.nanoseconds < 0:
            errors.append("bootTimeout cannot be negative")
        if self.ntp is not None and self.ptp is not None:
            errors.append("only one of ntp or ptp configuration can be specified")
        if self.ntp is not None:
            for server in self.ntp.servers:
                if is_ptp_device_path(server):
                    errors.append(
                        f'PTP devices should be specified in the ptp section, not as NTP servers: "{server}"'
                    )
        if self.ptp is not None:
            for device in self.ptp.devices:
                if not is_ptp_device_path(device):
                    errors.append(f'PTP device should be a path under {PTP_DEVICE_PATH_PREFIX}: "{device}"')
                elif (err := ptp_device_path_error(device)) is not None:
                    errors.append(err)
        return [], errors
