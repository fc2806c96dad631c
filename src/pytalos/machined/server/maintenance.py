"""The maintenance service: what a node without a usable config answers on port 50000.

As Talos's ``internal/app/maintenance`` server: TLS with a self-signed certificate and no client
certificate, so every caller has only the reader role. ``ApplyConfiguration`` is the point of it
(``auto``, ``reboot`` and ``try``; other modes ``Unimplemented``); admin-only calls (``Version``,
``Upgrade``, ``Reset``, ``MetaWrite``, ``MetaDelete``) answer ``Unimplemented: API is not implemented
in maintenance mode`` exactly like Talos does to a non-SideroLink peer, and every other method is
``Unimplemented``. (COSI resource reads come with the resources issue.)
"""

from __future__ import annotations

import logging
from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from .apply import ApplyError, MaintenanceApplier, Mode

log = logging.getLogger("pytalos.machined.server")

NOT_IN_MAINTENANCE = "API is not implemented in maintenance mode"


class MaintenanceService:
    """MachineService methods served in maintenance mode (see the module docstring)."""

    def __init__(self, applier: MaintenanceApplier) -> None:
        self.applier = applier

    async def ApplyConfiguration(self, stream: Stream[Any, Any]) -> None:
        request = await stream.recv_message()
        assert request is not None
        try:
            result = await self.applier.apply(request.data, Mode(request.mode), dry_run=request.dry_run)
        except ApplyError as err:
            raise GRPCError(err.status, err.message) from None
        except ValueError as err:  # an unknown mode number
            raise GRPCError(Status.INVALID_ARGUMENT, str(err)) from None
        reply = machine_pb2.ApplyConfiguration(warnings=result.warnings, mode_details=result.details)
        await stream.send_message(machine_pb2.ApplyConfigurationResponse(messages=[reply]))
        await stream.send_trailing_metadata()
        if result.accepted is not None:
            log.info("maintenance: configuration accepted")
            self.applier.submit(result.accepted)

    async def Version(self, stream: Stream[Any, Any]) -> None:
        raise GRPCError(Status.UNIMPLEMENTED, NOT_IN_MAINTENANCE)

    async def Upgrade(self, stream: Stream[Any, Any]) -> None:
        raise GRPCError(Status.UNIMPLEMENTED, NOT_IN_MAINTENANCE)

    async def Reset(self, stream: Stream[Any, Any]) -> None:
        raise GRPCError(Status.UNIMPLEMENTED, NOT_IN_MAINTENANCE)

    async def MetaWrite(self, stream: Stream[Any, Any]) -> None:
        raise GRPCError(Status.UNIMPLEMENTED, NOT_IN_MAINTENANCE)

    async def MetaDelete(self, stream: Stream[Any, Any]) -> None:
        raise GRPCError(Status.UNIMPLEMENTED, NOT_IN_MAINTENANCE)

    async def GenerateClientConfiguration(self, stream: Stream[Any, Any]) -> None:
        raise GRPCError(
            Status.UNIMPLEMENTED,
            "client configuration (talosconfig) can't be generated in the maintenance mode",
        )
