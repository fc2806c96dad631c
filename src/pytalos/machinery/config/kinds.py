"""Import every document kind so the registry knows them (the loader imports this lazily)."""

from __future__ import annotations

import importlib

# one module per group, like Talos's pkg/machinery/config/types/<group>
_GROUPS = (
    "block",
    "cluster",
    "cri",
    "hardware",
    "k8s",
    "network",
    "runtime",
    "runtime.extensions",
    "security",
    "siderolink",
    "storage",
)

for _group in _GROUPS:
    importlib.import_module(f"pytalos.machinery.config.types.{_group}")
