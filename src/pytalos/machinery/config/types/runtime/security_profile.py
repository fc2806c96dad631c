"""SecurityProfileConfig: node-level hardening switches (today: workload isolation).

``talosctl gen config`` emits it for 1.14+ contracts, so it appears in the stability fixtures.
"""

from __future__ import annotations

from typing import ClassVar

from ...document import Document, register
from ...schema import yfield


@register
class SecurityProfileConfigV1Alpha1(Document):
    """Go ``runtime.SecurityProfileConfigV1Alpha1`` (kind SecurityProfileConfig)."""

    KIND: ClassVar[str] = "SecurityProfileConfig"

    workload_isolation_enabled: bool | None = yfield(
        "workloadIsolation", omitempty=True, doc="Run the container plane in an isolated sandbox namespace."
    )

    @property
    def workload_isolation(self) -> bool:
        return bool(self.workload_isolation_enabled)
