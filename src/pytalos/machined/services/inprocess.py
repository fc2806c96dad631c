"""A server that runs inside machined as a supervised service (machined's API, apid, trustd).

Talos runs apid and trustd as containers; pytalos keeps them in the machined process (one Python
interpreter per node instead of three keeps a node's memory small, and the servers share the
resource state without a socket), but each is still its own service entry with its own state,
dependencies, condition and health, started and stopped by the supervisor. The server object is
built by the node (certificates, handlers) through an async factory, so each start gets a fresh
one.
"""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

from pytalos.machined.system.health import HealthCheck
from pytalos.machined.system.logs import LogWriter
from pytalos.machined.system.runner import Runner
from pytalos.machined.system.runner.coroutine import CoroutineRunner
from pytalos.machined.system.service import Service


class Startable(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...


S = TypeVar("S", bound=Startable)

#: builds the server for one start (may wait, e.g. read certificates from the resources)
MakeServer = Callable[[], Awaitable[S]]


class InProcessServerService(Service, Generic[S]):
    """Runs ``make_server()`` until stopped; healthy when :meth:`probe` of the running server passes."""

    def __init__(self, make_server: MakeServer[S], log: LogWriter) -> None:
        self.make_server = make_server
        self.log = log
        self.server: S | None = None

    def runner(self) -> Runner:
        return CoroutineRunner(self.id, self._serve, self.log)

    async def _serve(self, log: LogWriter) -> None:
        server = await self.make_server()
        await server.start()
        self.server = server
        log.write(f"{self.describe(server)}\n".encode())
        try:
            await asyncio.Event().wait()
        finally:
            self.server = None
            await server.close()

    @abstractmethod
    def describe(self, server: S) -> str:
        """The log line written once the server listens."""

    @abstractmethod
    async def probe(self, server: S) -> None:
        """Return when ``server`` answers, raise (with the reason) when not."""

    def health_check(self) -> HealthCheck:
        async def check() -> None:
            server = self.server
            if server is None:
                raise ConnectionError(f"{self.id} is not listening yet")
            await self.probe(server)

        return check


async def tcp_dial(host: str, port: int) -> None:
    """Talos's health check of apid/trustd: a TCP connection to the port succeeds."""
    _, writer = await asyncio.open_connection(host, port)
    writer.close()
    await writer.wait_closed()
