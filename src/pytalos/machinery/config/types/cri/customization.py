"""CRICustomizationConfig: a named containerd TOML fragment merged into the CRI configuration.

Names order the fragments and become file names, so they must be Kubernetes qualified names; the
name ``customization`` is reserved for the legacy ``/etc/cri/conf.d/20-customization.part`` file.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield
from ..common.gofmt import go_quote
from ..common.labels import validate_qualified_name

LEGACY_CRI_CUSTOMIZATION_CONFIG_NAME = "customization"


@register
class CRICustomizationConfigV1Alpha1(Document):
    """Go ``cri.CRICustomizationConfigV1Alpha1`` (kind CRICustomizationConfig)."""

    KIND: ClassVar[str] = "CRICustomizationConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name", doc="Name of the customization; fragments apply in name order.")
    customization_content: str = yfield("content", doc="containerd configuration fragment (TOML).")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        err = validate_qualified_name(self.name)
        if err:
            errors.append(f"invalid name: {err}")
        if self.name == LEGACY_CRI_CUSTOMIZATION_CONFIG_NAME:
            errors.append(f"name {go_quote(self.name)} is reserved for the legacy CRI customization")
        return [], errors
