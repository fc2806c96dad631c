"""``MachineService.Events`` (``talosctl events``): machined's event bus as ``machine.Event`` messages.

Each payload on the bus (:class:`~pytalos.machined.node.events.EventBus`) becomes its Talos message,
packed in an ``Any`` with Talos's type URL prefix (``talos/runtime/machine.SequenceEvent``): sequence,
phase and task events, service state events, machine status and config load errors; payloads of other
kinds are not sent. The event id is the bus's sequence number (decimal; it restarts with machined),
``actor_id`` the API request that caused it. History: ``tail_events`` (-1 = everything kept),
``tail_id`` (events after that id) or ``tail_seconds`` (published in the last N seconds); then the
stream follows new events until the client leaves. Needs ``os:admin``, ``os:operator`` or ``os:reader``.
"""

from __future__ import annotations

import time
from typing import Any

from google.protobuf import any_pb2
from google.protobuf.message import Message
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.node import events as node_events
from pytalos.machined.sequencer import events as seq_events
from pytalos.machined.system import events as svc_events
from pytalos.machined.system.stream import Envelope, EventStreamOverflow

from .convert import service_health
from .observe import check_roles, node_part

_ROLES = frozenset({"os:admin", "os:operator", "os:reader"})
TYPE_URL_PREFIX = "talos/runtime/"


def event_message(payload: object) -> Message | None:
    """The ``machine.*Event`` message for a bus payload (``None``: not an API event)."""
    if isinstance(payload, seq_events.SequenceEvent):
        error = (
            common_pb2.Error(code=payload.error.code.name, message=payload.error.message)
            if payload.error is not None
            else None
        )
        return machine_pb2.SequenceEvent(sequence=payload.sequence, action=payload.action.name, error=error)
    if isinstance(payload, seq_events.PhaseEvent):
        return machine_pb2.PhaseEvent(phase=payload.phase, action=payload.action.name)
    if isinstance(payload, seq_events.TaskEvent):
        return machine_pb2.TaskEvent(task=payload.task, action=payload.action.name)
    if isinstance(payload, svc_events.ServiceStateEvent):
        return machine_pb2.ServiceStateEvent(
            service=payload.service,
            action=payload.action.name,
            message=payload.message,
            health=service_health(payload.health),
        )
    if isinstance(payload, node_events.MachineStatusEvent):
        unmet = [
            machine_pb2.MachineStatusEvent.MachineStatus.UnmetCondition(name=c.name, reason=c.reason)
            for c in payload.unmet_conditions
        ]
        status = machine_pb2.MachineStatusEvent.MachineStatus(ready=payload.ready, unmet_conditions=unmet)
        return machine_pb2.MachineStatusEvent(stage=payload.stage.name, status=status)
    if isinstance(payload, node_events.ConfigLoadErrorEvent):
        return machine_pb2.ConfigLoadErrorEvent(error=payload.error)
    return None


def to_event(envelope: Envelope[object], actor_id: str) -> machine_pb2.Event | None:
    message = event_message(envelope.payload)
    if message is None:
        return None
    data = any_pb2.Any()
    data.Pack(message, type_url_prefix=TYPE_URL_PREFIX)
    return machine_pb2.Event(data=data, id=str(envelope.seq), actor_id=actor_id)


def history_tail(request: machine_pb2.EventsRequest, history: list[Envelope[object]], now: float) -> int:
    """How many of the kept events to send first (Talos allows one of the three tail options)."""
    chosen = [bool(request.tail_events), bool(request.tail_id), bool(request.tail_seconds)]
    if sum(chosen) > 1:
        raise GRPCError(Status.INVALID_ARGUMENT, "only one of tail_events, tail_id, tail_seconds may be set")
    if request.tail_id:
        try:
            after = int(request.tail_id)
        except ValueError:
            raise GRPCError(Status.INVALID_ARGUMENT, f"invalid tail id {request.tail_id!r}") from None
        return sum(1 for e in history if e.seq > after)
    if request.tail_seconds:
        return sum(1 for e in history if e.timestamp >= now - request.tail_seconds)
    return int(request.tail_events)


class EventsApi:
    """``Events`` (mixin of ``MachineApi``)."""

    async def Events(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ROLES)
        request = await stream.recv_message()
        assert request is not None
        bus = node_part(self, "events", "its event bus")
        tail = history_tail(request, bus.stream.snapshot(), time.time())
        try:
            async for envelope in bus.stream.subscribe(tail=tail, follow=True):
                actor = bus.actor_of(envelope)
                if request.with_actor_id and actor != request.with_actor_id:
                    continue
                event = to_event(envelope, actor)
                if event is not None:
                    await stream.send_message(event)
        except EventStreamOverflow as err:
            raise GRPCError(Status.RESOURCE_EXHAUSTED, str(err)) from None
