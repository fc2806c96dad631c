"""Extension service documents (Talos ``pkg/machinery/config/types/runtime/extensions``).

Importing the package registers ExtensionServiceConfig with the document registry.
"""

from __future__ import annotations

from .service_config import ConfigFile, ServiceConfigV1Alpha1, merge_config_files

__all__ = ["ConfigFile", "ServiceConfigV1Alpha1", "merge_config_files"]
