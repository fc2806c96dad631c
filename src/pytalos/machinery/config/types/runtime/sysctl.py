"""SysctlConfig and SysfsConfig: kernel parameters under ``/proc/sys`` and attributes under ``/sys``.

Both are plain string maps merged key by key; the only rule Talos enforces is a non-empty key.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield


@register
class SysctlConfigV1Alpha1(Document):
    """Go ``runtime.SysctlConfigV1Alpha1`` (kind SysctlConfig)."""

    KIND: ClassVar[str] = "SysctlConfig"

    params: dict[str, str] = yfield("params", doc="Sysctl values keyed by name (dots or slashes).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], ["sysctl key cannot be empty" for key in self.params if key == ""]


@register
class SysfsConfigV1Alpha1(Document):
    """Go ``runtime.SysfsConfigV1Alpha1`` (kind SysfsConfig)."""

    KIND: ClassVar[str] = "SysfsConfig"

    params: dict[str, str] = yfield("params", doc="Sysfs attribute values keyed by dotted path.")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], ["sysfs key cannot be empty" for key in self.params if key == ""]
