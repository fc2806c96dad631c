"""etcd on a control plane (Talos ``services/etcd.go``), run as the real etcd binary.

``pre`` issues the member's server/peer/admin certificates from the config's etcd CA and writes them
under the node root, creates ``var/lib/etcd`` (0700), reads the binary's version to render flags it
knows, and renders the command line (:mod:`pytalos.machined.etcd.args`). Health is Talos's
``ValidateQuorum``: a linearizable read through the admin client on ``127.0.0.1`` (a learner fails it
until it is promoted, as in Talos).

How this start relates to the cluster (:func:`cluster_state`, in this order):

* the data directory holds a member → **restart** (membership comes from the data);
* a recovery was requested (``Bootstrap{recover_etcd}``) → the uploaded snapshot is restored into the
  data directory (:mod:`pytalos.machined.etcd.recover`), then **restart** from it;
* machine type ``init`` or a bootstrap was requested (``talosctl bootstrap``) → **bootstrap**: a new
  single-member cluster (``initial-cluster-state=new``);
* otherwise **join**: with ``initial-cluster`` in ``cluster.etcd.extraArgs`` the user's list is used
  as is; else ``pre`` blocks (up to 30 min) until another control plane's etcd answers, joins as a
  learner (:mod:`pytalos.machined.etcd.join`) and, once started, promotes itself in the background.
  While nobody has bootstrapped the cluster the service stays in its pre stage and logs every 30 s
  that it waits for ``talosctl bootstrap``.

``Bootstrap`` replaces the service by :meth:`EtcdService.with_mode` (Talos re-creates
``services.Etcd{Bootstrap: true, RecoverFromSnapshot: …}``). machined's boot does not wait for etcd:
a control plane waiting to be bootstrapped reaches stage Running, not ready, with the unmet condition
``etcd`` (see :mod:`pytalos.machined.node.machined`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pytalos.machined.etcd.args import ClusterState, EtcdDialect, InitialMember, format_url, render_args
from pytalos.machined.etcd.client import EtcdClient
from pytalos.machined.etcd.join import (
    JoinClient,
    build_initial_cluster,
    client_endpoints,
    promote_learner,
    resolve_endpoint_host,
    select_control_plane_ips,
)
from pytalos.machined.etcd.layout import CLIENT_PORT, PEER_PORT, EtcdLayout
from pytalos.machined.etcd.pki import IP, NodeIdentity, issue_etcd_certs, write_pki
from pytalos.machined.etcd.recover import restore_snapshot
from pytalos.machined.etcd.spec import EtcdSpec, build_spec
from pytalos.machined.system.events import ServiceState
from pytalos.machined.system.health import HealthCheck, HealthSettings
from pytalos.machined.system.logs import LogWriter
from pytalos.machined.system.runner import Runner
from pytalos.machined.system.runner.process import ProcessOptions, ProcessRunner
from pytalos.machined.system.runner.restart import RestartOptions, RestartRunner
from pytalos.machined.system.service import Service
from pytalos.machinery.config.types.v1alpha1.components import EtcdConfig
from pytalos.machinery.crypto.x509 import CertificateAndKey

log = logging.getLogger("pytalos.machined.etcd")

#: Talos: 5 s initial delay, 20 s period, 15 s timeout; the period is shortened so that a killed etcd
#: shows unhealthy within seconds, and the first check comes at once (it retries every
#: ``HEALTH_RETRY`` within itself while the member starts).
HEALTH = HealthSettings(initial_delay=0.1, period=5.0, timeout=15.0)
HEALTH_RETRY = 0.2


@dataclass(frozen=True)
class StartMode:
    """What ``Bootstrap`` asked for (Talos's ``Etcd{Bootstrap, RecoverFromSnapshot, …}``)."""

    bootstrap: bool = False
    recover: bool = False
    recover_skip_hash_check: bool = False


def data_dir_empty(layout: EtcdLayout) -> bool:
    data = layout.data_dir
    return not (data.is_dir() and any(data.iterdir()))


def cluster_state(machine_type: str, layout: EtcdLayout, mode: StartMode = StartMode()) -> ClusterState:
    """See the module docstring (a requested recovery has restored the data before this is asked)."""
    if not data_dir_empty(layout):
        return ClusterState.RESTART
    if machine_type == "init" or mode.bootstrap:
        return ClusterState.BOOTSTRAP
    return ClusterState.JOIN


@dataclass(frozen=True)
class EtcdParams:
    machine_type: str
    etcd: EtcdConfig
    ca: CertificateAndKey
    identity: NodeIdentity
    client_port: int = CLIENT_PORT
    peer_port: int = PEER_PORT
    binary: str = "etcd"
    etcdctl: str = "etcdctl"
    #: ``cluster.controlPlane.endpoint`` (its host is one place other members may be reached)
    endpoint: str = ""
    #: addresses of the other control planes the node knows of (``Members`` resources)
    peers: Callable[[], Awaitable[list[IP]]] | None = None


async def etcd_dialect(binary: str) -> EtcdDialect:
    proc = await asyncio.create_subprocess_exec(
        binary, "--version", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{binary} --version failed ({proc.returncode}): {out.decode(errors='replace')}")
    return EtcdDialect.parse(out.decode(errors="replace"))


class EtcdService(Service):
    id = "etcd"

    def __init__(
        self, params: EtcdParams, layout: EtcdLayout, log: LogWriter, mode: StartMode = StartMode()
    ) -> None:
        self.params = params
        self.layout = layout
        self.log = log
        self.mode = mode
        self.argv: list[str] = []
        self.state: ClusterState | None = None
        #: ``True`` while ``pre`` waits to join (what ``EtcdRecover``/``Bootstrap`` may interrupt)
        self.waiting_to_join = False
        self.learner_id = 0
        self._client: EtcdClient | None = None
        self._promote: asyncio.Task[None] | None = None

    def with_mode(self, mode: StartMode) -> EtcdService:
        """The same member started as ``mode`` asks (``Bootstrap`` replaces the loaded service by it)."""
        return EtcdService(self.params, self.layout, self.log, mode)

    def _say(self, text: str) -> None:
        log.info("%s", text)
        self.log.write(f"{text}\n".encode())

    async def pre(self) -> None:
        p = self.params
        self._stop_promotion()
        certs = await asyncio.to_thread(issue_etcd_certs, p.ca, p.identity)
        write_pki(self.layout, p.ca, certs)
        self.layout.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        dialect = await etcd_dialect(p.binary)
        spec = build_spec(p.etcd, p.identity.hostname, p.identity.ips())
        peer_urls = [format_url(ip, p.peer_port) for ip in spec.advertised_addresses]
        if self.mode.recover and data_dir_empty(self.layout):
            output = await restore_snapshot(
                self.layout.recovery_snapshot,
                self.layout.data_dir,
                name=spec.name,
                peer_urls=peer_urls,
                skip_hash_check=self.mode.recover_skip_hash_check,
                etcdctl=p.etcdctl,
            )
            self._say(f"etcd data restored from {self.layout.recovery_snapshot}: {output}")
        self.state = cluster_state(p.machine_type, self.layout, self.mode)
        initial: Sequence[InitialMember] = ()
        if self.state is ClusterState.JOIN and "initial-cluster" not in spec.extra_args:
            initial = await self._join(spec, peer_urls)
        args = render_args(
            spec,
            self.layout,
            self.state,
            initial_cluster=initial,
            dialect=dialect,
            client_port=p.client_port,
            peer_port=p.peer_port,
        )
        self.argv = [p.binary, *args]
        self._say(f"etcd start ({self.state.value}): {' '.join(self.argv)}")
        if self.learner_id:
            self._promote = asyncio.create_task(
                promote_learner(self._connect, self.control_plane_endpoints, self.learner_id, say=self._say),
                name="etcd-promote",
            )

    async def _join(self, spec: EtcdSpec, peer_urls: list[str]) -> Sequence[InitialMember]:
        self.waiting_to_join = True
        try:
            plan = await build_initial_cluster(
                self._connect,
                self.control_plane_endpoints,
                spec.name,
                peer_urls,
                own_ips=self.params.identity.ips(),
                say=self._say,
            )
        finally:
            self.waiting_to_join = False
        self.learner_id = plan.learner_id
        return plan.initial_cluster

    async def control_plane_endpoints(self) -> list[str]:
        """Client endpoints of the other control planes (:func:`.join.select_control_plane_ips`)."""
        p = self.params
        endpoint_ips = await asyncio.to_thread(resolve_endpoint_host, p.endpoint) if p.endpoint else []
        member_ips: list[IP] = []
        if p.peers is not None:
            try:
                member_ips = await p.peers()
            except Exception as err:  # the resources are a hint; the endpoint alone may do
                log.debug("control plane members unavailable: %s", err)
        ips = select_control_plane_ips(endpoint_ips, member_ips, p.identity.ips())
        return client_endpoints(ips, p.client_port)

    async def _connect(self, endpoints: Sequence[str]) -> JoinClient:
        client = EtcdClient.from_layout(self.layout, endpoints)
        await client.connect()
        return client

    def _stop_promotion(self) -> None:
        task, self._promote = self._promote, None
        if task is not None and not task.done():
            task.cancel()

    def runner(self) -> Runner:
        process = ProcessRunner(self.id, self.argv, ProcessOptions(log=self.log))
        return RestartRunner(process, RestartOptions())

    async def post(self, state: ServiceState) -> None:
        self._stop_promotion()
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.close()

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.params.client_port}"

    def health_check(self) -> HealthCheck:
        async def check() -> None:
            # retried within the check's own timeout: a starting member answers within a second or
            # two, and the next check would only come a whole period later
            loop = asyncio.get_running_loop()
            deadline = loop.time() + HEALTH.timeout * 0.8
            while True:
                try:
                    await self._linearizable_read(max(0.5, deadline - loop.time()))
                    return
                except Exception:
                    if loop.time() + HEALTH_RETRY >= deadline:
                        raise
                    await asyncio.sleep(HEALTH_RETRY)

        return check

    async def _linearizable_read(self, timeout: float) -> None:
        if self._client is None:
            client = EtcdClient.from_layout(self.layout, [self.endpoint], timeout=timeout)
            await client.connect()
            self._client = client
        try:
            await self._client.health(timeout=timeout)
        except Exception:
            client, self._client = self._client, None
            with contextlib.suppress(Exception):
                await client.close()
            raise

    def health_settings(self) -> HealthSettings:
        return HEALTH
