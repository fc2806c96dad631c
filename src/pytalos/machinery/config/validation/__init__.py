"""Validation of machine configs with Talos's rules and messages (``talosctl validate``).

* :func:`validate_config` — the v1alpha1 document's rules (``v1alpha1_validation.go``), returning
  ``(warnings, errors)``; ``Config.validate`` delegates to it.
* :func:`validate_container` — checks that need the whole set of documents (host DNS in container
  mode, KubeSpan identity, etcd encryption, control-plane-only kinds).
* :mod:`.located` — :class:`~.located.Located` messages (Talos's text plus a YAML path) and the
  resolution of paths to source lines.

The rule modules are imported lazily (PEP 562) so that document types can import :mod:`.located`
to locate their own messages without an import cycle through the v1alpha1 types.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..types.common.gofmt import multierror_text

if TYPE_CHECKING:
    from .cluster import validate_cni
    from .container import validate_container, validate_documents
    from .v1alpha1 import validate_config

_LAZY = {
    "validate_cni": ".cluster",
    "validate_container": ".container",
    "validate_documents": ".container",
    "validate_config": ".v1alpha1",
}

__all__ = ["multierror_text", "validate_cni", "validate_config", "validate_container", "validate_documents"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module, __name__), name)
