"""KernelModuleConfig: a Linux kernel module to load at boot, with its parameters."""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield


@register
class KernelModuleConfigV1Alpha1(Document):
    """Go ``runtime.KernelModuleConfigV1Alpha1`` (kind KernelModuleConfig)."""

    KIND: ClassVar[str] = "KernelModuleConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Kernel module name.")
    module_parameters: list[str] = yfield(
        "parameters", omitempty=True, doc="Module parameters (applied after a reboot)."
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], ([] if self.name else ["name is required"])
