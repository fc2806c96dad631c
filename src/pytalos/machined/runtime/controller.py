"""What a controller is: a name, declared inputs and outputs, and a long-running ``run``.

As in COSI, a controller declares which resource kinds it reads (inputs: ``strong`` ones may carry
its finalizers, ``weak`` ones may not, ``destroy-ready`` ones only wake it when a resource being
torn down has no finalizers left) and which types it writes (outputs: ``exclusive`` means no other
controller may write that type, ``shared`` lets several controllers write resources of it, each
owning its own). The runtime wakes the controller whenever an input changes; most controllers
just implement :class:`Reconciler.reconcile`, called once per (coalesced) wake-up.
"""

from __future__ import annotations

import enum
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .adapter import Runtime


class InputKind(enum.Enum):
    STRONG = "strong"
    WEAK = "weak"
    DESTROY_READY = "destroy-ready"


class OutputKind(enum.Enum):
    EXCLUSIVE = "exclusive"
    SHARED = "shared"


@dataclass(frozen=True)
class Input:
    """A watched kind; ``id`` narrows it to one resource."""

    namespace: str
    type: str
    id: str | None = None
    kind: InputKind = InputKind.STRONG

    def covers(self, namespace: str, type: str, id: str) -> bool:
        return self.namespace == namespace and self.type == type and (self.id is None or self.id == id)


@dataclass(frozen=True)
class Output:
    type: str
    kind: OutputKind = OutputKind.EXCLUSIVE


class Controller(Protocol):
    """The interface the runtime drives (COSI ``controller.Controller``)."""

    @property
    def name(self) -> str: ...

    def inputs(self) -> Sequence[Input]: ...

    def outputs(self) -> Sequence[Output]: ...

    async def run(self, rt: Runtime, log: logging.Logger) -> None:
        """Run until cancelled; raising makes the runtime restart it after a back-off delay."""
        ...


class Reconciler(ABC):
    """Base for the usual controller: ``reconcile`` runs on start and after every input change.

    Changes arriving while ``reconcile`` runs are coalesced into one more call. A successful call
    resets the runtime's restart back-off.
    """

    name: str = ""

    def inputs(self) -> Sequence[Input]:
        return ()

    def outputs(self) -> Sequence[Output]:
        return ()

    async def run(self, rt: Runtime, log: logging.Logger) -> None:
        while True:
            await rt.next_event()
            await self.reconcile(rt, log)
            rt.reset_restart_backoff()

    @abstractmethod
    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None: ...
