"""machined's own API server as a supervised service (Talos's ``machined`` service).

A coroutine inside machined serving the normal-mode Machine API (:mod:`pytalos.machined.server`) on
port 50000, healthy once a TCP connection to the listening port succeeds. The server object is built
by machined (certificates, handlers) and handed in as a factory so each start gets a fresh one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pytalos.api.server import ApiServer
from pytalos.machined.system.health import HealthCheck, HealthSettings
from pytalos.machined.system.logs import LogWriter
from pytalos.machined.system.runner import Runner
from pytalos.machined.system.runner.coroutine import CoroutineRunner
from pytalos.machined.system.service import Service

HEALTH = HealthSettings(initial_delay=0.05, period=5.0, timeout=1.0)


class MachinedService(Service):
    id = "machined"

    def __init__(self, make_server: Callable[[], ApiServer], probe_host: str, log: LogWriter) -> None:
        self.make_server = make_server
        self.probe_host = probe_host
        self.log = log
        self.port: int | None = None

    def runner(self) -> Runner:
        return CoroutineRunner(self.id, self._serve, self.log)

    async def _serve(self, log: LogWriter) -> None:
        server = self.make_server()
        await server.start()
        self.port = server.port
        log.write(f"machine API listening on port {server.port} (mTLS)\n".encode())
        try:
            await asyncio.Event().wait()
        finally:
            await server.close()
            self.port = None

    def health_check(self) -> HealthCheck:
        async def check() -> None:
            if self.port is None:
                raise ConnectionError("API server is not listening yet")
            _, writer = await asyncio.open_connection(self.probe_host, self.port)
            writer.close()
            await writer.wait_closed()

        return check

    def health_settings(self) -> HealthSettings:
        return HEALTH
