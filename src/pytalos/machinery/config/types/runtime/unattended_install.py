"""UnattendedInstallConfig: install Talos to a disk picked by a CEL selector, without a v1alpha1 install.

It replaces ``.machine.install``; the two cannot be combined, which the container-level conflict check
(:meth:`UnattendedInstallConfigV1Alpha1.v1alpha1_conflict`) reports.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...document import Document, register
from ...schema import Struct, yfield
from ..common.cel import Expression


class InstallerSpec(Struct):
    """Go ``runtime.InstallerSpec``: the source of the installation."""

    image: str = yfield("image", omitempty=True, doc="Installer image reference.")


class DiskSelectorSpec(Struct):
    """Go ``runtime.DiskSelectorSpec``: a CEL expression matching one disk."""

    match: Expression = yfield(
        "match",
        omitempty=True,
        default_factory=Expression,
        doc="CEL expression matching the install disk.",
    )


class ProvisioningSpec(Struct):
    """Go ``runtime.ProvisioningSpec``: which disk to install to and whether to wipe it."""

    disk_selector: DiskSelectorSpec = yfield("diskSelector", omitempty=True, doc="Selects the install disk.")
    wipe: bool | None = yfield("wipe", omitempty=True, doc="Wipe the disk before installing (default true).")

    def validate(self) -> str | None:
        """Talos's ``ProvisioningSpec.Validate`` (selector required and compilable)."""
        if self.disk_selector.match.is_zero():
            return "provisioning.diskSelector.match is required"
        err = self.disk_selector.match.validate()
        if err:
            return f"provisioning.diskSelector.match: {err}"
        return None


@register
class UnattendedInstallConfigV1Alpha1(Document):
    """Go ``runtime.UnattendedInstallConfigV1Alpha1`` (kind UnattendedInstallConfig)."""

    KIND: ClassVar[str] = "UnattendedInstallConfig"

    reboot: bool | None = yfield("reboot", omitempty=True, doc="Reboot after installation.")
    installer: InstallerSpec = yfield("installer", doc="Where the installer comes from.")
    provisioning_spec: ProvisioningSpec = yfield("provisioning", doc="How the install disk is provisioned.")

    @property
    def volume_wipe(self) -> bool:
        return True if self.provisioning_spec.wipe is None else self.provisioning_spec.wipe

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        warnings: list[str] = []
        if not self.installer.image:
            warnings.append(
                "installer.image is not set, if Talos is not booted from asset built by Image Factory, "
                "installation will fail"
            )
        err = self.provisioning_spec.validate()
        return warnings, [err] if err else []

    def v1alpha1_conflict(self, v1alpha1_config: Any) -> str | None:
        """Conflict with a v1alpha1 document that still sets ``.machine.install``."""
        machine = getattr(v1alpha1_config, "machine_config", None)
        if machine is not None and getattr(machine, "machine_install", None) is not None:
            return "UnattendedInstallConfig config is incompatible with v1alpha1 config (.machine.install)"
        return None
