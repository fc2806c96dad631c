"""Sequence, phase and task events, shaped like Talos's ``machine.SequenceEvent`` & co.

``talosctl events`` prints them as ``SequenceEvent Boot START``, ``PhaseEvent startEverything START``,
``TaskEvent startAllServices STOP``; a failed or refused sequence carries a ``common.Error`` whose code
says why (FATAL: a task failed, LOCKED: another sequence holds the lock, CANCELED: taken over).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SequenceAction(enum.IntEnum):
    NOOP = 0
    START = 1
    STOP = 2


class PhaseAction(enum.IntEnum):
    START = 0
    STOP = 1


TaskAction = PhaseAction


class ErrorCode(enum.IntEnum):
    """``common.Code``."""

    FATAL = 0
    LOCKED = 1
    CANCELED = 2


@dataclass(frozen=True)
class SequenceError:
    """``common.Error``."""

    code: ErrorCode
    message: str


@dataclass(frozen=True)
class SequenceEvent:
    sequence: str
    action: SequenceAction
    error: SequenceError | None = None


@dataclass(frozen=True)
class PhaseEvent:
    phase: str
    action: PhaseAction


@dataclass(frozen=True)
class TaskEvent:
    task: str
    action: PhaseAction
