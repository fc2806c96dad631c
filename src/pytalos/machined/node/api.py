"""machined's API wired to the node: maintenance (until a config arrives), then machined, apid, trustd.

The maintenance server is started by the Initialize sequence's ``loadConfig`` task and closed once
an accepted config is persisted on STATE. In normal mode :class:`NodeApi` builds the servers of three
supervised services (:mod:`pytalos.machined.services`), fresh for each start:

* ``machined``: machined's Machine API on its unix socket (``system/run/machined/machine.sock``,
  roles from apid's ``talos-role``);
* ``apid``: :mod:`pytalos.apid` on port 50000, talking to machined only through the socket;
* ``trustd`` (control planes): :mod:`pytalos.trustd` on port 50001, signing workers' CSRs.

All three stay in this process (one Python process per node keeps memory low) but are separate
service entries, as Talos lists them.

apid's certificates are the ``ApiCertificates/api`` resource: on control planes a server + an
``os:impersonator`` client certificate minted by the secrets controller from the OS CA; on workers a
server certificate signed by trustd on a control plane and no client certificate (so a worker cannot
forward). apid and trustd wait for it (:class:`ApiCertificatesCondition`, the service shows
``Waiting for api certificates``): a worker as long as it takes, logging every
:data:`WAITING_LOG_INTERVAL` seconds; a control plane for :data:`API_CERTIFICATES_TIMEOUT` seconds,
then it serves a certificate issued from the config's OS CA, without forwarding. The names and
addresses the certificates carry are the controllers' (:mod:`.identity`).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from pytalos.api.client import TRUSTD_PORT
from pytalos.api.server import ApiServer
from pytalos.apid.server import Apid, ApidConfig
from pytalos.machined.etcd.pki import NodeIdentity
from pytalos.machined.resources import secrets
from pytalos.machined.runtime import NotFoundError, Pointer, WatchTimeoutError
from pytalos.machined.server.apply import Applier, MaintenanceApplier
from pytalos.machined.server.certs import node_server_cert, self_signed_server_cert
from pytalos.machined.server.listener import machine_socket_server, maintenance_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.maintenance import MaintenanceService
from pytalos.machined.server.unix import UnixApiServer
from pytalos.machinery.crypto.x509 import CertificateAndKey
from pytalos.trustd.server import TrustdSecrets, trustd_server

from ..state.config_store import LoadedConfig
from .events import MachineStage
from .service_plan import machine_type

if TYPE_CHECKING:
    from .machined import Machined

log = logging.getLogger("pytalos.machined.api")

#: how long a control plane waits for the secrets controller's ``ApiCertificates`` before falling back
API_CERTIFICATES_TIMEOUT = 30.0
#: how often a worker's apid logs that it still waits for its certificate from trustd
WAITING_LOG_INTERVAL = 30.0


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


_API_CERTIFICATES = Pointer(secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID)


async def wait_api_certificates(
    node: Machined, worker: bool, timeout: float = API_CERTIFICATES_TIMEOUT
) -> secrets.APICertsSpec | None:
    """``ApiCertificates/api`` once it has a server certificate; ``None`` when a control plane gave up
    after ``timeout`` seconds. A worker waits as long as it takes (see the module docstring)."""
    state = node.resources.state
    waited = 0.0
    while True:
        step = WAITING_LOG_INTERVAL if worker else timeout
        if worker and waited == 0.0 and await _current(node) is None:
            log.info(
                "apid: waiting for ApiCertificates/api: a worker's certificate is signed by trustd on a "
                "control plane (the secrets.APIController log says which endpoint failed and why)"
            )
        try:
            found = await state.watch_for(
                _API_CERTIFICATES, lambda r: r is not None and r.spec.server is not None, timeout=step
            )
        except WatchTimeoutError as err:
            if not worker:
                log.warning(
                    "apid: no ApiCertificates within %gs (%s); serving without forwarding", timeout, err
                )
                return None
            waited += step
            log.info("apid: still waiting for ApiCertificates/api from trustd after %gs", waited)
            continue
        assert found is not None
        spec: secrets.APICertsSpec = found.spec
        return spec


async def _current(node: Machined) -> secrets.APICertsSpec | None:
    try:
        found = await node.resources.state.get(_API_CERTIFICATES)
    except NotFoundError:
        return None
    spec: secrets.APICertsSpec = found.spec
    return spec if spec.server is not None else None


class ApiCertificatesCondition:
    """apid's and trustd's service condition (Talos ``secrets.NewAPIReadyCondition``)."""

    def __init__(self, node: Machined, worker: bool) -> None:
        self.node, self.worker = node, worker

    async def wait(self) -> None:
        await wait_api_certificates(self.node, self.worker)

    def __str__(self) -> str:
        return "api certificates (signed by trustd)" if self.worker else "api certificates"


async def _api_certificates(
    node: Machined, config: LoadedConfig, names: NodeIdentity, worker: bool
) -> tuple[CertificateAndKey, CertificateAndKey | None]:
    """apid's (server, client) certificates; see the module docstring. The service condition has
    already waited: a control plane without the resource now falls back at once."""
    spec = await (wait_api_certificates(node, worker) if worker else _current(node))
    if spec is not None:
        assert spec.server is not None
        return spec.server, spec.client
    crt, key, _ = _os_ca(config)
    if key:
        server = await asyncio.to_thread(
            node_server_cert,
            CertificateAndKey(crt, key),
            names.hostname,
            names.addresses,
            domainname=names.domainname,
        )
        return server, None
    log.warning("machine.ca has no key on a control plane: apid serves a self-signed certificate")
    return self_signed_server_cert(names.hostname, names.addresses, domainname=names.domainname), None


class NodeApi:
    """The normal-mode servers of the node named ``names`` with the active config, one factory per
    service (:class:`~.service_plan.NodeApiServers`); each call builds a fresh, unstarted server."""

    def __init__(self, node: Machined, applier: Applier, names: NodeIdentity) -> None:
        config = node.configs.active
        assert config is not None
        crt, _, _ = _os_ca(config)
        if not crt:
            raise ValueError("machine.ca: the config has no OS CA certificate; the Machine API needs one")
        self.node, self.applier, self.names, self.config = node, applier, names, config
        self.worker = machine_type(config.container) == "worker"

    def _local_names(self) -> list[str]:
        return [*self.names.dns_names(), *(str(a) for a in self.names.addresses)]

    def certificates(self) -> ApiCertificatesCondition:
        return ApiCertificatesCondition(self.node, self.worker)

    async def machined(self) -> UnixApiServer:
        return machine_socket_server(MachineApi(self.node, self.applier), machine_socket_path(self.node))

    async def apid(self) -> Apid:
        server, client = await _api_certificates(self.node, self.config, self.names, self.worker)
        crt, _, accepted = _os_ca(self.config)
        options = self.node.options
        return Apid(
            ApidConfig(
                server=server,
                cas=[crt, *accepted],
                local_socket=machine_socket_path(self.node),
                client=client,
                local_names=self._local_names,
                proxy_from=self.names.hostname,
                audit_log=audit_log_path(self.node),
                host=options.api_host,
                port=options.api_port,
                remote_port=options.api_port,
            )
        )

    async def trustd(self) -> ApiServer:
        server, _ = await _api_certificates(self.node, self.config, self.names, self.worker)
        return trustd_server(self._trustd_secrets, server, self.node.options.api_host, TRUSTD_PORT)

    async def _trustd_secrets(self) -> TrustdSecrets:
        """The OS CA and token as the ``OSRootSecrets`` resource has them now (the config's before)."""
        try:
            root: secrets.OSRootSpec = (
                await self.node.resources.state.get(
                    Pointer(secrets.NAMESPACE, secrets.OS_ROOT_TYPE, secrets.OS_ROOT_ID)
                )
            ).spec
        except NotFoundError:
            crt, key, _ = _os_ca(self.config)
            token = str(self.config.container.v1alpha1().machine_config.machine_token or "")
            return TrustdSecrets(CertificateAndKey(crt, key) if key else None, token)
        return TrustdSecrets(root.issuing_ca, root.token)


def machine_api_server(node: Machined, applier: Applier, names: NodeIdentity) -> NodeApi:
    """The normal-mode servers for the node named ``names`` (from :meth:`.identity.NodeNames.identity`)."""
    return NodeApi(node, applier, names)
