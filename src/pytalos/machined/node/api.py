"""machined's two API servers wired to the node: maintenance (until a config arrives) and normal.

The maintenance server is started by the Initialize sequence's ``loadConfig`` task and closed once
an accepted config is persisted on STATE; the normal server is built by the ``machined`` service on
every start, with a certificate issued from the config's OS CA (self-signed when the config holds no
CA key, see :mod:`pytalos.machined.server.certs`). The names and addresses both certificates carry
are the controllers' (:mod:`.identity`).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pytalos.api.server import ApiServer
from pytalos.machined.etcd.pki import NodeIdentity
from pytalos.machined.server.apply import Applier, MaintenanceApplier
from pytalos.machined.server.certs import node_server_cert, self_signed_server_cert
from pytalos.machined.server.listener import machine_server, maintenance_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.maintenance import MaintenanceService
from pytalos.machinery.crypto.x509 import CertificateAndKey

from ..state.config_store import LoadedConfig
from .events import MachineStage

if TYPE_CHECKING:
    from .machined import Machined

log = logging.getLogger("pytalos.machined.api")


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


def machine_api_server(node: Machined, applier: Applier, names: NodeIdentity) -> ApiServer:
    """The normal-mode server for the node named ``names`` (from :meth:`.identity.NodeNames.identity`)."""
    config = node.configs.active
    assert config is not None
    crt, key, accepted = _os_ca(config)
    if not crt:
        raise ValueError("machine.ca: the config has no OS CA certificate; the Machine API needs one")
    if key:
        identity = node_server_cert(
            CertificateAndKey(crt, key), names.hostname, names.addresses, domainname=names.domainname
        )
    else:
        log.warning(
            "machine.ca has no key (worker): serving with a self-signed certificate until trustd exists"
        )
        identity = self_signed_server_cert(names.hostname, names.addresses, domainname=names.domainname)
    client_ca = b"".join([crt, *accepted])
    api = MachineApi(node, applier)
    return machine_server(api, identity, client_ca, node.options.api_host, node.options.api_port)
