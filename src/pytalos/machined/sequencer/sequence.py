"""Sequences as data: named phases of named tasks, and which sequence may take over which.

Tasks are plain async callables; whatever they act on (services, config store, status) is bound when
the sequence is built (:mod:`.sequences`), so a sequence can be built from fakes in unit tests. A
phase may be conditional (Talos's ``AppendWhen``): its condition is evaluated when the sequence is
built, so a skipped phase never shows up in the events.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

TaskFunc = Callable[[], Awaitable[None]]


class SequenceName(enum.Enum):
    """The sequences machined runs, with the priority deciding take-overs."""

    INITIALIZE = "initialize"
    BOOT = "boot"
    REBOOT = "reboot"
    SHUTDOWN = "shutdown"
    RESET = "reset"

    @property
    def priority(self) -> int:
        return 0 if self in (SequenceName.INITIALIZE, SequenceName.BOOT) else 10

    def can_take_over(self, running: SequenceName, takeover: bool) -> bool:
        """Boot-like sequences never interrupt anything; Reboot/Shutdown/Reset interrupt boot-like ones,
        and each other only when the caller asks for a take-over (``WithTakeover``)."""
        if self.priority > running.priority:
            return True
        return takeover and self.priority == running.priority and self.priority > 0

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Task:
    name: str
    run: TaskFunc


@dataclass(frozen=True)
class Phase:
    name: str
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Sequence:
    name: SequenceName
    phases: tuple[Phase, ...]


class SequenceBuilder:
    """Collects phases in order; ``append_when`` adds a phase only when its condition holds."""

    def __init__(self, name: SequenceName) -> None:
        self.name = name
        self._phases: list[Phase] = []

    def append(self, phase: str, *tasks: Task) -> SequenceBuilder:
        self._phases.append(Phase(phase, tasks))
        return self

    def append_when(self, condition: bool, phase: str, *tasks: Task) -> SequenceBuilder:
        if condition:
            self.append(phase, *tasks)
        return self

    def build(self) -> Sequence:
        return Sequence(self.name, tuple(self._phases))
