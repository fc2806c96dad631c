"""machined's API wired to the node: maintenance (until a config arrives), then machined + apid.

The maintenance server is started by the Initialize sequence's ``loadConfig`` task and closed once
an accepted config is persisted on STATE. In normal mode the ``machined`` service starts
:class:`NodeApiServers` on every start: machined's Machine API on its unix socket
(``system/run/machined/machine.sock``, roles from apid's ``talos-role``) and apid on port 50000
(:mod:`pytalos.apid`), in this process but talking to machined only through the socket.

apid's certificates are the ``ApiCertificates/api`` resource (server + ``os:impersonator`` client,
minted by the secrets controller on control planes). A node without it (a worker: no trustd yet)
serves a certificate issued from the config's OS CA when the config holds the key, else a self-signed
one (:mod:`pytalos.machined.server.certs`), and has no client certificate, so it cannot forward. The
names and addresses the certificates carry are the controllers' (:mod:`.identity`).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from pytalos.api.server import ApiServer
from pytalos.apid.server import Apid, ApidConfig
from pytalos.machined.etcd.pki import NodeIdentity
from pytalos.machined.resources import secrets
from pytalos.machined.runtime import Pointer, WatchTimeoutError
from pytalos.machined.server.apply import Applier, MaintenanceApplier
from pytalos.machined.server.certs import node_server_cert, self_signed_server_cert
from pytalos.machined.server.listener import machine_socket_server, maintenance_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.maintenance import MaintenanceService
from pytalos.machinery.crypto.x509 import CertificateAndKey

from ..state.config_store import LoadedConfig
from .events import MachineStage
from .service_plan import machine_type

if TYPE_CHECKING:
    from .machined import Machined

log = logging.getLogger("pytalos.machined.api")

#: how long a control plane waits for the secrets controller's ``ApiCertificates`` before falling back
API_CERTIFICATES_TIMEOUT = 30.0


async def wait_in_maintenance(node: Machined) -> LoadedConfig:
    """Serve the maintenance API until a config is applied; it is persisted on STATE before this returns
    (after the server closed, so a crash in between leaves the node in maintenance, never half-set)."""
    node.status.set_stage(MachineStage.MAINTENANCE)
    arrived: asyncio.Future[LoadedConfig] = asyncio.get_running_loop().create_future()

    def submit(config: LoadedConfig) -> None:
        if not arrived.done():
            arrived.set_result(config)

    names = await node.names.maintenance()
    identity = await asyncio.to_thread(
        self_signed_server_cert, names.hostname, names.addresses, domainname=names.domainname
    )
    service = MaintenanceService(MaintenanceApplier(submit))
    server = maintenance_server(service, identity, node.options.api_host, node.options.api_port)
    await server.start()
    node.maintenance_server = server
    log.info(
        "maintenance mode: waiting for a config on port %d (talosctl apply-config --insecure)", server.port
    )
    try:
        config = await arrived
    finally:
        node.maintenance_server = None
        await server.close()
    await asyncio.to_thread(node.store.save, config.raw)
    return config


def _os_ca(config: LoadedConfig) -> tuple[bytes, bytes, list[bytes]]:
    machine = config.container.v1alpha1().machine_config
    ca = machine.machine_ca
    accepted = [c.crt.data for c in machine.machine_accepted_cas or [] if c.crt.data]
    return (ca.crt.data if ca else b""), (ca.key.data if ca else b""), accepted


def machine_socket_path(node: Machined) -> Path:
    """Talos's ``constants.MachineSocketPath`` under the node root."""
    return node.layout.run / "machined" / "machine.sock"


def audit_log_path(node: Machined) -> Path:
    return node.layout.logs / "audit.log"


async def _api_certificates(
    node: Machined, config: LoadedConfig, names: NodeIdentity
) -> tuple[CertificateAndKey, CertificateAndKey | None]:
    """apid's (server, client) certificates; see the module docstring."""
    crt, key, _ = _os_ca(config)
    if key and machine_type(config.container) in ("controlplane", "init"):
        ptr = Pointer(secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
        try:
            found = await node.resources.state.watch_for(
                ptr, lambda r: r is not None, timeout=API_CERTIFICATES_TIMEOUT
            )
        except WatchTimeoutError as err:
            log.warning("apid: no ApiCertificates (%s); serving without forwarding", err)
        else:
            assert found is not None
            spec: secrets.APICertsSpec = found.spec
            if spec.server is not None:
                return spec.server, spec.client
    if key:
        server = await asyncio.to_thread(
            node_server_cert,
            CertificateAndKey(crt, key),
            names.hostname,
            names.addresses,
            domainname=names.domainname,
        )
        return server, None
    log.warning("machine.ca has no key (worker): apid serves a self-signed certificate until trustd exists")
    return self_signed_server_cert(names.hostname, names.addresses, domainname=names.domainname), None


class NodeApiServers(ApiServer):
    """machined's socket server and apid, started and closed together (the ``machined`` service's
    server); ``port`` is apid's."""

    def __init__(self, node: Machined, api: MachineApi, names: NodeIdentity, config: LoadedConfig) -> None:
        self.node, self.names, self.config = node, names, config
        self.socket = machine_socket_server(api, machine_socket_path(node))
        self.apid: Apid | None = None

    @property
    def port(self) -> int:
        if self.apid is None:
            raise RuntimeError("NodeApiServers.port: apid is not started")
        return self.apid.port

    def _local_names(self) -> list[str]:
        return [*self.names.dns_names(), *(str(a) for a in self.names.addresses)]

    async def start(self) -> None:
        await self.socket.start()
        try:
            server, client = await _api_certificates(self.node, self.config, self.names)
            crt, _, accepted = _os_ca(self.config)
            apid = Apid(
                ApidConfig(
                    server=server,
                    cas=[crt, *accepted],
                    local_socket=self.socket.path,
                    client=client,
                    local_names=self._local_names,
                    proxy_from=self.names.hostname,
                    audit_log=audit_log_path(self.node),
                    host=self.node.options.api_host,
                    port=self.node.options.api_port,
                    remote_port=self.node.options.api_port,
                )
            )
            await apid.start()
        except BaseException:
            await self.socket.close()
            raise
        self.apid = apid
        log.info("apid listening on port %d (%s)", apid.port, "forwarding" if client else "no forwarding")

    async def close(self) -> None:
        if self.apid is not None:
            await self.apid.close()
            self.apid = None
        await self.socket.close()


def machine_api_server(node: Machined, applier: Applier, names: NodeIdentity) -> ApiServer:
    """The normal-mode servers for the node named ``names`` (from :meth:`.identity.NodeNames.identity`)."""
    config = node.configs.active
    assert config is not None
    crt, _, _ = _os_ca(config)
    if not crt:
        raise ValueError("machine.ca: the config has no OS CA certificate; the Machine API needs one")
    return NodeApiServers(node, MachineApi(node, applier), names, config)
