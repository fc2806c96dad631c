"""Pieces shared by the Kubernetes documents (Talos ``types/k8s/common.go``).

Several component documents (kube-apiserver, controller-manager, scheduler, kube-proxy, Flannel)
carry the same pod ``resources`` block, so it lives here once.
"""

from __future__ import annotations

from ...schema import Struct, yfield
from ..meta import Unstructured

_SUPPORTED_RESOURCES = ("memory", "cpu")


class ResourcesConfig(Struct):
    """Pod resource requests and limits (only ``cpu`` and ``memory`` are accepted)."""

    requests: Unstructured = yfield(
        "requests", default_factory=Unstructured, omitempty=True, doc="Reserved cpu/memory resources."
    )
    limits: Unstructured = yfield(
        "limits", default_factory=Unstructured, omitempty=True, doc="Maximum cpu/memory the pod may use."
    )

    def validate(self) -> list[str]:
        """Talos ``ResourcesConfig.Validate``: the first unsupported resource name, if any."""
        for section in (self.requests, self.limits):
            for key in section.object:
                if key not in _SUPPORTED_RESOURCES:
                    return [f'unsupported pod resource "{key}"']
        return []

    def _value(self, section: Unstructured, key: str) -> str:
        value = section.object.get(key)
        if isinstance(value, bool):
            return ""
        if isinstance(value, (int, str)):
            return str(value)
        return ""

    def cpu_requests(self) -> str:
        return self._value(self.requests, "cpu")

    def memory_requests(self) -> str:
        return self._value(self.requests, "memory")

    def cpu_limits(self) -> str:
        return self._value(self.limits, "cpu")

    def memory_limits(self) -> str:
        return self._value(self.limits, "memory")
