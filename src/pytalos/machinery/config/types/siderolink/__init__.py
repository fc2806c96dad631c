"""SideroLink documents (Talos ``pkg/machinery/config/types/siderolink``). Importing this package
registers SideroLinkConfig."""

from __future__ import annotations

from .siderolink import ConfigV1Alpha1, SideroLinkConfigV1Alpha1

__all__ = ["ConfigV1Alpha1", "SideroLinkConfigV1Alpha1"]
