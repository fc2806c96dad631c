"""PCIDriverRebindConfig: rebind a PCI device (by its address) to another kernel driver.

Used for example to hand a GPU or NIC to ``vfio-pci`` for passthrough. Talos's only check is a
runtime warning when the IOMMU is disabled, which needs the node itself, so this document has no
static validation rules (Talos ``hardware/pci_driver_rebind_config.go``).
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield


@register
class PCIDriverRebindConfigV1Alpha1(Document):
    """PCIDriverRebindConfig: target driver for one PCI device."""

    KIND: ClassVar[str] = "PCIDriverRebindConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="PCI device address, e.g. 0000:04:00.00.")
    pci_target_driver: str = yfield("targetDriver", doc="Driver to bind the device to, e.g. vfio-pci.")

    def pci_id(self) -> str:
        return self.name
