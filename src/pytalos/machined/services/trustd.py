"""trustd as a supervised service on control planes (Talos's ``trustd`` service), inside machined.

Talos runs trustd as a container; here it runs in the machined process like apid (one Python process
per node keeps memory low, see :mod:`.inprocess`), as its own service entry: listed by ServiceList,
not restartable through the API (as Talos). The server is :mod:`pytalos.trustd.server` on port 50001;
its condition is the node's apid certificates (trustd presents the apid server certificate), its
health a TCP connection to the port (Talos dials ``127.0.0.1:50001``).
"""

from __future__ import annotations

from collections.abc import Callable

from pytalos.api.server import ApiServer
from pytalos.machined.system.conditions import Condition
from pytalos.machined.system.health import HealthSettings
from pytalos.machined.system.logs import LogWriter

from .inprocess import InProcessServerService, MakeServer, tcp_dial

HEALTH = HealthSettings(initial_delay=0.1, period=5.0, timeout=1.0)


class TrustdService(InProcessServerService[ApiServer]):
    id = "trustd"

    def __init__(
        self,
        make_server: MakeServer[ApiServer],
        log: LogWriter,
        *,
        probe_host: str = "127.0.0.1",
        condition: Callable[[], Condition | None] = lambda: None,
    ) -> None:
        super().__init__(make_server, log)
        self.probe_host = probe_host
        self._condition = condition

    def condition(self) -> Condition | None:
        return self._condition()

    def describe(self, server: ApiServer) -> str:
        return f"trustd listening on port {server.port} (TLS, machine token)"

    async def probe(self, server: ApiServer) -> None:
        await tcp_dial(self.probe_host, server.port)

    def health_settings(self) -> HealthSettings:
        return HEALTH
