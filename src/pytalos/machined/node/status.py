"""The machine's stage and readiness (Talos's ``MachineStatus`` resource, ``talosctl get machinestatus``).

machined sets the stage as it boots, enters maintenance, runs or reboots; boot steps report unmet
conditions (``config``: why the config did not load; ``services``: which services are not up yet).
Every change is published as a :class:`~.events.MachineStatusEvent`, so a config error shows in
``talosctl events`` and in the status, not only in a log.
"""

from __future__ import annotations

from collections.abc import Callable

from .events import EventBus, MachineStage, MachineStatusEvent, UnmetCondition


class MachineStatus:
    """Current stage and unmet conditions; ready when the stage is Running and nothing is unmet."""

    def __init__(self, events: EventBus, on_stage: Callable[[MachineStage], None] | None = None) -> None:
        self._events = events
        self._on_stage = on_stage
        self.stage = MachineStage.BOOTING
        self._unmet: dict[str, str] = {}

    @property
    def ready(self) -> bool:
        return self.stage is MachineStage.RUNNING and not self._unmet

    @property
    def unmet(self) -> tuple[UnmetCondition, ...]:
        return tuple(UnmetCondition(name, reason) for name, reason in self._unmet.items())

    def snapshot(self) -> MachineStatusEvent:
        return MachineStatusEvent(self.stage, self.ready, self.unmet)

    def _changed(self) -> None:
        self._events.publish(self.snapshot())

    def set_stage(self, stage: MachineStage) -> None:
        if stage is not self.stage:
            self.stage = stage
            self._changed()
            if self._on_stage is not None:
                self._on_stage(stage)

    def set_unmet(self, name: str, reason: str) -> None:
        if self._unmet.get(name) != reason:
            self._unmet[name] = reason
            self._changed()

    def clear(self, name: str) -> None:
        if self._unmet.pop(name, None) is not None:
            self._changed()
