"""WatchdogTimerConfig: arm a hardware watchdog so a hung node resets itself.

Talos requires a device path and a timeout of at least ten seconds (one minute when unset).
"""

from __future__ import annotations

from typing import ClassVar

from ...codecs import Duration, format_go_duration
from ...document import Document, register
from ...schema import yfield

MIN_WATCHDOG_TIMEOUT_NS = 10 * 10**9
DEFAULT_WATCHDOG_TIMEOUT_NS = 60 * 10**9


@register
class WatchdogTimerV1Alpha1(Document):
    """Go ``runtime.WatchdogTimerV1Alpha1`` (kind WatchdogTimerConfig)."""

    KIND: ClassVar[str] = "WatchdogTimerConfig"

    watchdog_device: str = yfield("device", doc="Path to the watchdog device.")
    watchdog_timeout: Duration = yfield(
        "timeout",
        omitempty=True,
        default_factory=Duration,
        doc="Reset the node after this long unresponsive.",
    )

    @property
    def timeout(self) -> Duration:
        """Effective timeout (one minute when unset)."""
        if self.watchdog_timeout.is_zero():
            return Duration(DEFAULT_WATCHDOG_TIMEOUT_NS)
        return self.watchdog_timeout

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        if not self.watchdog_device:
            return [], ["watchdog device: empty value"]
        ns = self.watchdog_timeout.nanoseconds
        if ns != 0 and ns < MIN_WATCHDOG_TIMEOUT_NS:
            return [], [f"watchdog timeout: minimum value is {format_go_duration(MIN_WATCHDOG_TIMEOUT_NS)}"]
        return [], []
