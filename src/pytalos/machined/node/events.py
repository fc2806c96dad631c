"""machined's runtime events (``talosctl events``) and the bus they are published on.

Every event is a payload shaped like one of Talos's ``machine.*Event`` messages (sequence, phase,
task, service state, config load error, machine status), published with the actor id of the API call
that caused it. The bus keeps a bounded history so a client connecting later can ask for the tail,
like Talos's ``EventsRequest.tail_events``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from pytalos.machined.system.stream import Envelope, EventStream


class MachineStage(enum.IntEnum):
    """``machine.MachineStatusEvent.MachineStage``."""

    UNKNOWN = 0
    BOOTING = 1
    INSTALLING = 2
    MAINTENANCE = 3
    RUNNING = 4
    REBOOTING = 5
    SHUTTING_DOWN = 6
    RESETTING = 7
    UPGRADING = 8

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class UnmetCondition:
    name: str
    reason: str


@dataclass(frozen=True)
class MachineStatusEvent:
    """``machine.MachineStatusEvent``: stage plus readiness and what keeps the machine from ready."""

    stage: MachineStage
    ready: bool
    unmet_conditions: tuple[UnmetCondition, ...] = ()


@dataclass(frozen=True)
class ConfigLoadErrorEvent:
    """``machine.ConfigLoadErrorEvent``: the config could not be loaded (or was rolled back)."""

    error: str


class EventBus:
    """machined's event stream: payloads are the event objects themselves (what the service supervisor
    and the controllers read); the actor id of the request behind an event is kept beside it."""

    def __init__(self, history: int = 1000) -> None:
        self.stream: EventStream[object] = EventStream(history)
        self._actors: dict[int, str] = {}
        self._history = history

    def publish(self, payload: object, actor_id: str = "") -> Envelope[object]:
        envelope = self.stream.publish(payload)
        if actor_id:
            self._actors[envelope.seq] = actor_id
            for seq in [s for s in self._actors if s <= envelope.seq - self._history]:
                del self._actors[seq]
        return envelope

    def actor_of(self, envelope: Envelope[object]) -> str:
        return self._actors.get(envelope.seq, "")

    def payloads(self, kind: type | None = None) -> list[object]:
        """Payloads in the history (optionally only those of one type), oldest first."""
        return [e.payload for e in self.stream.snapshot() if kind is None or isinstance(e.payload, kind)]
