"""UdevRulesConfig: extra udev rules appended to the system rule set."""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield


@register
class UdevRulesConfigV1Alpha1(Document):
    """Go ``runtime.UdevRulesConfigV1Alpha1`` (kind UdevRulesConfig)."""

    KIND: ClassVar[str] = "UdevRulesConfig"

    udev_rules: list[str] = yfield("rules", omitempty=True, doc="Custom udev rules, one per entry.")
