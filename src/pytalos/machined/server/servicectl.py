"""``MachineService.ServiceStart``, ``ServiceStop`` and ``ServiceRestart`` (``talosctl service ID start|…``).

Each goes to machined's service supervisor (:class:`~pytalos.machined.system.System`), which only lets
the API start, stop or restart services that declare it (Talos's ``APIStartableService`` and
friends: ``user_startable``/``user_stoppable``/``user_restartable``). As in Talos: starting a running
service or stopping a stopped one does nothing and still answers ``Service "x" started``/``stopped``;
restarting a stopped service starts it (so the start rule applies); an unknown id is
``service "x" not defined`` and a refused operation ``service "x" doesn't support restart operation
via API`` -- plain errors, hence gRPC ``Unknown`` like Talos's. Needs ``os:admin`` or ``os:operator``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.system.system import ServiceNotDefinedError, ServiceOperationError, ServiceWaitError

from .observe import check_roles, meta, node_part

_ROLES = frozenset({"os:admin", "os:operator"})


class ServiceControl(Protocol):
    """The supervisor's API operations (:class:`~pytalos.machined.system.System`)."""

    async def api_start(self, service_id: str) -> None: ...

    async def api_stop(self, service_id: str) -> None: ...

    async def api_restart(self, service_id: str) -> None: ...


def _quoted(service_id: str) -> str:
    """Go's ``%q`` for the ids a node has (plain ASCII): a JSON string."""
    return json.dumps(service_id)


_REFUSED = re.compile(r"support (\w+) operation")


async def control(operation: Callable[[str], Awaitable[None]], service_id: str, verb: str, done: str) -> str:
    """Run ``operation`` on ``service_id``; the reply text, or a gRPC error with Talos's message."""
    try:
        await operation(service_id)
    except ServiceNotDefinedError:
        raise GRPCError(Status.UNKNOWN, f"service {_quoted(service_id)} not defined") from None
    except ServiceOperationError as err:
        # a restart of a stopped service is a start: the supervisor says which operation it refused
        found = _REFUSED.search(str(err))
        refused = found.group(1) if found else verb
        raise GRPCError(
            Status.UNKNOWN, f"service {_quoted(service_id)} doesn't support {refused} operation via API"
        ) from None
    except ServiceWaitError as err:
        raise GRPCError(Status.DEADLINE_EXCEEDED, f"service {_quoted(service_id)}: {err}") from None
    return f"Service {_quoted(service_id)} {done}"


class ServiceControlApi:
    """``ServiceStart``, ``ServiceStop``, ``ServiceRestart`` (mixin of ``MachineApi``: ``node.system``)."""

    async def _control(self, stream: Stream[Any, Any], verb: str, done: str) -> str:
        check_roles(stream, _ROLES)
        request = await stream.recv_message()
        assert request is not None
        system: ServiceControl = node_part(self, "system", "service control")
        operation = {"start": system.api_start, "stop": system.api_stop, "restart": system.api_restart}[verb]
        return await control(operation, request.id, verb, done)

    async def ServiceStart(self, stream: Stream[Any, Any]) -> None:
        resp = await self._control(stream, "start", "started")
        reply = machine_pb2.ServiceStart(metadata=meta(self), resp=resp)
        await stream.send_message(machine_pb2.ServiceStartResponse(messages=[reply]))

    async def ServiceStop(self, stream: Stream[Any, Any]) -> None:
        resp = await self._control(stream, "stop", "stopped")
        reply = machine_pb2.ServiceStop(metadata=meta(self), resp=resp)
        await stream.send_message(machine_pb2.ServiceStopResponse(messages=[reply]))

    async def ServiceRestart(self, stream: Stream[Any, Any]) -> None:
        resp = await self._control(stream, "restart", "restarted")
        reply = machine_pb2.ServiceRestart(metadata=meta(self), resp=resp)
        await stream.send_message(machine_pb2.ServiceRestartResponse(messages=[reply]))
