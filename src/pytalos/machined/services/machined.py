"""machined's own API server as a supervised service (Talos's ``machined`` service).

A coroutine inside machined serving the normal-mode Machine API (:mod:`pytalos.machined.server`) on
machined's unix socket (``system/run/machined/machine.sock``), where apid (its own service,
:mod:`.apid`) forwards every request; healthy once a connection to the socket succeeds (Talos dials
the socket). The server is built by the node and handed in as a factory, so each start gets a fresh
one.
"""

from __future__ import annotations

import asyncio

from pytalos.machined.server.unix import UnixApiServer
from pytalos.machined.system.health import HealthSettings
from pytalos.machined.system.logs import LogWriter

from .inprocess import InProcessServerService, MakeServer

HEALTH = HealthSettings(initial_delay=0.05, period=5.0, timeout=1.0)


class MachinedService(InProcessServerService[UnixApiServer]):
    id = "machined"

    def __init__(self, make_server: MakeServer[UnixApiServer], log: LogWriter) -> None:
        super().__init__(make_server, log)

    def describe(self, server: UnixApiServer) -> str:
        return f"machine API listening on {server.path}"

    async def probe(self, server: UnixApiServer) -> None:
        _, writer = await asyncio.open_unix_connection(str(server.path))
        writer.close()
        await writer.wait_closed()

    def health_settings(self) -> HealthSettings:
        return HEALTH
