"""OOMConfig: the userspace out-of-memory handler's trigger, ranking and sampling interval.

Both expressions are CEL; Talos compiles them during validation. pytalos runs a syntax
check (see :mod:`..common.cel`) and reports failures with Talos's prefixes.
"""

from __future__ import annotations

from typing import ClassVar

from ...codecs import Duration
from ...document import Document, register
from ...schema import yfield
from ..common.cel import Expression


@register
class OOMV1Alpha1(Document):
    """Go ``runtime.OOMV1Alpha1`` (kind OOMConfig)."""

    KIND: ClassVar[str] = "OOMConfig"

    oom_trigger_expression: Expression = yfield(
        "triggerExpression",
        omitempty=True,
        default_factory=Expression,
        doc="Boolean CEL expression deciding when the OOM action fires.",
    )
    oom_cgroup_ranking_expression: Expression = yfield(
        "cgroupRankingExpression",
        omitempty=True,
        default_factory=Expression,
        doc="Double CEL expression ranking cgroups; the highest is evicted first.",
    )
    oom_sample_interval: Duration = yfield(
        "sampleInterval",
        omitempty=True,
        default_factory=Duration,
        doc="How often the trigger expression is evaluated.",
    )

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        errors: list[str] = []
        if not self.oom_trigger_expression.is_zero():
            err = self.oom_trigger_expression.validate()
            if err:
                errors.append(f"OOM trigger expression is invalid: {err}")
        if not self.oom_cgroup_ranking_expression.is_zero():
            err = self.oom_cgroup_ranking_expression.validate()
            if err:
                errors.append(f"OOM cgroup scoring expression is invalid: {err}")
        if self.oom_sample_interval.nanoseconds < 0:
            errors.append("OOM sample interval must be longer than 0")
        return [], errors
