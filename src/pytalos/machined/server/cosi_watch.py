"""COSI ``State.Watch`` for API clients (``talosctl get --watch``), a mixin of the read-only State service.

As COSI's gRPC server: a request with an ``id`` watches that one resource -- the first event is its
current state (``CREATED``, or ``DESTROYED`` with only its metadata when it does not exist), then
every change; without an ``id`` it watches the whole type, and ``bootstrap_contents`` first sends a
``CREATED`` event per existing resource followed by one ``BOOTSTRAPPED`` marker (talosctl asks for
this and skips the marker). ``tail_events`` replays that many past events instead of the initial
state. A watch that falls behind the state's kept history ends with ``ERRORED`` and ``Aborted``.
Access rules are Get's (read roles, supported types and namespaces, ``os:admin`` for sensitive
types); the synthesized ``meta`` namespace never changes, so its watch sends its contents and waits.
The stream ends when the client cancels it.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.v1alpha1 import resource_pb2, state_pb2
from pytalos.machined.resources import META_NAMESPACE
from pytalos.machined.runtime import Pointer, Resource
from pytalos.machined.runtime.collection import Watch
from pytalos.machined.runtime.events import EventType

_WIRE = {
    EventType.CREATED: state_pb2.CREATED,
    EventType.UPDATED: state_pb2.UPDATED,
    EventType.DESTROYED: state_pb2.DESTROYED,
    EventType.BOOTSTRAPPED: state_pb2.BOOTSTRAPPED,
    EventType.ERRORED: state_pb2.ERRORED,
    EventType.NOOP: state_pb2.NOOP,
}


class WatchSource(Protocol):
    """The watches of :class:`~pytalos.machined.runtime.State` the service uses."""

    def watch(self, ptr: Pointer, *, bookmark: bytes | None = None, tail_events: int = 0) -> Watch: ...

    def watch_kind(
        self, namespace: str, type: str, *, bootstrap_contents: bool = False, tail_events: int = 0
    ) -> Watch: ...


def event_message(kind: EventType, res: Resource[Any] | None) -> state_pb2.WatchResponse:
    from .cosi import resource_message

    if res is None:
        resource = resource_pb2.Resource()
    elif res.spec is None:  # a marker or a tombstone: metadata only
        resource = resource_message(res)
        resource.spec.yaml_spec = ""
    else:
        resource = resource_message(res)
    return state_pb2.WatchResponse(event=state_pb2.Event(resource=resource, event_type=_WIRE[kind]))


class WatchApi:
    """``Watch`` (mixin of :class:`~.cosi.ResourceStateApi`, which supplies the three members below)."""

    meta: Any

    def _check(self, stream: Stream[Any, Any], namespace: str, type: str) -> None:
        raise NotImplementedError

    def _state(self) -> Any:
        raise NotImplementedError

    async def Watch(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        assert request is not None
        ns, type = request.namespace, request.type
        self._check(stream, ns, type)
        has_id = request.HasField("id")
        if ns == META_NAMESPACE:
            await self._watch_meta(stream, type, request.id if has_id else None)
            return
        state: WatchSource = self._state()
        tail = max(0, request.options.tail_events)
        if has_id:
            watch = state.watch(Pointer(ns, type, request.id), tail_events=tail)
        else:
            try:
                watch = state.watch_kind(
                    ns,
                    type,
                    bootstrap_contents=request.options.bootstrap_contents and not tail,
                    tail_events=tail,
                )
            except ValueError as err:
                raise GRPCError(Status.INVALID_ARGUMENT, str(err)) from None
        async with watch:
            async for event in watch:
                if event.type is EventType.ERRORED:
                    await stream.send_message(event_message(event.type, None))
                    raise GRPCError(Status.ABORTED, event.error)
                await stream.send_message(event_message(event.type, event.resource))

    async def _watch_meta(self, stream: Stream[Any, Any], type: str, id: str | None) -> None:
        if id is not None:
            found = self.meta.get(type, id)
            if found is not None:
                await stream.send_message(event_message(EventType.CREATED, found))
        else:
            for res in self.meta.list(type):
                await stream.send_message(event_message(EventType.CREATED, res))
            marker = Resource.new(META_NAMESPACE, type, "", None)
            await stream.send_message(event_message(EventType.BOOTSTRAPPED, marker))
        await asyncio.Event().wait()  # nothing changes there: wait for the client to cancel
