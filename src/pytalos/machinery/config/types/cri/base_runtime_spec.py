"""CRIBaseRuntimeSpecConfig: overrides merged into the default OCI spec of every CRI container.

The overrides are free-form (any subset of the OCI runtime spec), replaced wholesale by patches, and
exclusive with the deprecated ``.machine.baseRuntimeSpecOverrides``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ...document import Document, register
from ...schema import yfield
from .oci_spec import check_runtime_spec


@register
class CRIBaseRuntimeSpecConfigV1Alpha1(Document):
    """Go ``cri.CRIBaseRuntimeSpecConfigV1Alpha1`` (kind CRIBaseRuntimeSpecConfig)."""

    KIND: ClassVar[str] = "CRIBaseRuntimeSpecConfig"

    overrides_config: Any = yfield(
        "overrides",
        omitempty=True,
        merge="replace",
        default_factory=dict,
        doc="Overrides for the default OCI runtime spec of CRI containers.",
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        err = check_runtime_spec(self.overrides_config or {})
        if err:
            return [], [f"failed to unmarshal base runtime spec overrides: {err}"]
        return [], []

    def v1alpha1_conflict(self, v1alpha1_config: Any) -> str | None:
        """Conflict with overrides still set in the v1alpha1 ``.machine.baseRuntimeSpecOverrides``."""
        machine = getattr(v1alpha1_config, "machine_config", None)
        if machine is not None and getattr(machine, "machine_base_runtime_spec_overrides", None):
            return "base runtime spec overrides are already set in v1alpha1 config"
        return None
