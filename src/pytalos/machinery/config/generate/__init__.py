"""Machine-config generation (``talosctl gen config``), per Talos version contract.

``generate(Input(...), "controlplane")`` returns the same documents Talos's
``pkg/machinery/config/generate`` produces for the requested contract; ``talosconfig`` builds the
matching client configuration.
"""

from __future__ import annotations

from .constants import (
    DEFAULT_INSTALL_DISK,
    DEFAULT_INSTALL_IMAGE,
    DEFAULT_KUBERNETES_VERSION,
    MACHINE_TYPES,
    TYPE_CONTROL_PLANE,
    TYPE_INIT,
    TYPE_WORKER,
)
from .endpoint import EndpointError, validate_cluster_endpoint
from .generator import GenerateError, document_data, generate, talosconfig
from .input import Input

__all__ = [
    "DEFAULT_INSTALL_DISK",
    "DEFAULT_INSTALL_IMAGE",
    "DEFAULT_KUBERNETES_VERSION",
    "MACHINE_TYPES",
    "TYPE_CONTROL_PLANE",
    "TYPE_INIT",
    "TYPE_WORKER",
    "EndpointError",
    "GenerateError",
    "Input",
    "document_data",
    "generate",
    "talosconfig",
    "validate_cluster_endpoint",
]
