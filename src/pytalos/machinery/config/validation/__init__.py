"""Validation of machine configs with Talos's rules and messages (``talosctl validate``).

* :func:`validate_config` — the v1alpha1 document's rules (``v1alpha1_validation.go``), returning
  ``(warnings, errors)``; ``Config.validate`` delegates to it.
* :func:`validate_container` — checks that need the whole set of documents (host DNS in container
  mode, KubeSpan identity, etcd encryption, control-plane-only kinds).
"""

from __future__ import annotations

from ..types.common.gofmt import multierror_text
from .cluster import validate_cni
from .container import validate_container, validate_documents
from .v1alpha1 import validate_config

__all__ = ["multierror_text", "validate_cni", "validate_config", "validate_container", "validate_documents"]
