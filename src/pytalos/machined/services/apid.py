"""apid as its own supervised service (Talos's ``apid`` service), running inside machined.

Talos runs apid as a container; here it stays in the machined process (one Python process per node
keeps memory low, see :mod:`.inprocess`) but is a separate service entry: ``talosctl services`` lists
``apid`` and ``machined``, ``talosctl service apid`` shows its own events and health, and the
supervisor starts and stops it. Like Talos's apid it is not restartable, startable or stoppable
through the API (``service apid restart`` answers ``service "apid" doesn't support restart operation
via API``).

* depends on ``machined`` (apid forwards every local request to machined's socket);
* condition: apid's certificates (``ApiCertificates/api``, given by the node: on a worker they come
  from trustd on a control plane);
* health (:func:`version_probe`): the TLS port answers -- the handshake completes and the server
  certificate chains to the CAs apid trusts; where apid has a client certificate (control planes)
  a ``Version`` call through it must answer too. A worker has no client certificate apid would
  accept, so its probe stops at the verified handshake.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Callable, Sequence

from google.protobuf import empty_pb2
from grpclib.client import Channel

from pytalos.api.authz import ROLE_METADATA_KEY
from pytalos.api.gen.machine import machine_grpc
from pytalos.api.tls import client_context
from pytalos.apid.server import Apid
from pytalos.machined.system.conditions import Condition
from pytalos.machined.system.health import HealthSettings
from pytalos.machined.system.logs import LogWriter
from pytalos.machinery import role

from .inprocess import InProcessServerService, MakeServer

HEALTH = HealthSettings(initial_delay=0.1, period=5.0, timeout=3.0)


def _probe_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)


async def version_probe(apid: Apid, timeout: float = HEALTH.timeout) -> None:
    """apid's health: see the module docstring. Raises with the reason when apid does not answer."""
    cas = b"".join(c if c.endswith(b"\n") else c + b"\n" for c in [*apid.config.cas, *apid.config.extra_cas])
    ctx = client_context(cas, apid.config.client)
    ctx.check_hostname = False  # the chain is verified; the certificate names the node, not loopback
    host = _probe_host(apid.config.host)
    if apid.config.client is None:
        _, writer = await asyncio.open_connection(host, apid.port, ssl=ctx)
        writer.close()
        with contextlib.suppress(ssl.SSLError, ConnectionError):  # apid refuses us after the handshake
            await writer.wait_closed()
        return
    channel = Channel(host, apid.port, ssl=ctx)
    try:
        await machine_grpc.MachineServiceStub(channel).Version(
            empty_pb2.Empty(), metadata={ROLE_METADATA_KEY: role.READER}, timeout=timeout
        )
    finally:
        channel.close()


class ApidService(InProcessServerService[Apid]):
    id = "apid"

    def __init__(
        self,
        make_server: MakeServer[Apid],
        log: LogWriter,
        *,
        condition: Callable[[], Condition | None] = lambda: None,
    ) -> None:
        super().__init__(make_server, log)
        self._condition = condition

    def depends_on(self) -> Sequence[str]:
        return ("machined",)

    def condition(self) -> Condition | None:
        return self._condition()

    def describe(self, server: Apid) -> str:
        forwarding = "forwarding" if server.config.client is not None else "no forwarding"
        return f"apid listening on port {server.port} (mTLS, {forwarding})"

    async def probe(self, server: Apid) -> None:
        await version_probe(server)

    def health_settings(self) -> HealthSettings:
        return HEALTH
