"""Hardware documents (Talos ``pkg/machinery/config/types/hardware``). Importing this package
registers PCIDriverRebindConfig."""

from __future__ import annotations

from .pci_driver_rebind import PCIDriverRebindConfigV1Alpha1

__all__ = ["PCIDriverRebindConfigV1Alpha1"]
