"""etcd on a control plane (Talos ``services/etcd.go``), run as the real etcd binary.

``pre`` issues the member's server/peer/admin certificates from the config's etcd CA and writes them
under the node root, creates ``var/lib/etcd`` (0700), reads the binary's version to render flags it
knows, and renders the command line (:mod:`pytalos.machined.etcd.args`). Health is Talos's
``ValidateQuorum``: a linearizable read through the admin client on ``127.0.0.1``.

How this start relates to the cluster (:func:`cluster_state`):

* the data directory holds a member → **restart** (membership comes from the data);
* machine type ``init`` → **bootstrap** (Talos's legacy automatic bootstrap);
* ``cluster.etcd.extraArgs`` names ``initial-cluster`` → **join** with the user's member list;
* otherwise (type ``controlplane``, empty data, nobody else named) → **bootstrap**: a lone control
  plane bootstraps itself. Talos would wait for ``talosctl bootstrap`` instead; that API and joining
  through discovery come with later issues, and until then this rule is what lets one node form a
  cluster. A second control plane must therefore name the first in ``initial-cluster``.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from pytalos.machined.etcd.args import ClusterState, EtcdDialect, render_args
from pytalos.machined.etcd.client import EtcdClient
from pytalos.machined.etcd.layout import CLIENT_PORT, PEER_PORT, EtcdLayout
from pytalos.machined.etcd.pki import NodeIdentity, issue_etcd_certs, write_pki
from pytalos.machined.etcd.spec import build_spec
from pytalos.machined.system.events import ServiceState
from pytalos.machined.system.health import HealthCheck, HealthSettings
from pytalos.machined.system.logs import LogWriter
from pytalos.machined.system.runner import Runner
from pytalos.machined.system.runner.process import ProcessOptions, ProcessRunner
from pytalos.machined.system.runner.restart import RestartOptions, RestartRunner
from pytalos.machined.system.service import Service
from pytalos.machinery.config.types.v1alpha1.components import EtcdConfig
from pytalos.machinery.crypto.x509 import CertificateAndKey

#: Talos: 5 s initial delay, 20 s period, 15 s timeout; the period is shortened so that a killed etcd
#: shows unhealthy within seconds.
HEALTH = HealthSettings(initial_delay=0.5, period=5.0, timeout=15.0)
HEALTH_RETRY = 0.2


def cluster_state(machine_type: str, etcd: EtcdConfig, layout: EtcdLayout) -> ClusterState:
    """See the module docstring."""
    data = layout.data_dir
    if data.is_dir() and any(data.iterdir()):
        return ClusterState.RESTART
    if machine_type == "init":
        return ClusterState.BOOTSTRAP
    if "initial-cluster" in etcd.etcd_extra_args:
        return ClusterState.JOIN
    return ClusterState.BOOTSTRAP


@dataclass(frozen=True)
class EtcdParams:
    machine_type: str
    etcd: EtcdConfig
    ca: CertificateAndKey
    identity: NodeIdentity
    client_port: int = CLIENT_PORT
    peer_port: int = PEER_PORT
    binary: str = "etcd"


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

    def __init__(self, params: EtcdParams, layout: EtcdLayout, log: LogWriter) -> None:
        self.params = params
        self.layout = layout
        self.log = log
        self.argv: list[str] = []
        self.state: ClusterState | None = None
        self._client: EtcdClient | None = None

    async def pre(self) -> None:
        p = self.params
        certs = await asyncio.to_thread(issue_etcd_certs, p.ca, p.identity)
        write_pki(self.layout, p.ca, certs)
        self.layout.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        dialect = await etcd_dialect(p.binary)
        spec = build_spec(p.etcd, p.identity.hostname, p.identity.ips())
        self.state = cluster_state(p.machine_type, p.etcd, self.layout)
        args = render_args(
            spec, self.layout, self.state, dialect=dialect, client_port=p.client_port, peer_port=p.peer_port
        )
        self.argv = [p.binary, *args]
        self.log.write(f"etcd start ({self.state.value}): {' '.join(self.argv)}\n".encode())

    def runner(self) -> Runner:
        process = ProcessRunner(self.id, self.argv, ProcessOptions(log=self.log))
        return RestartRunner(process, RestartOptions())

    async def post(self, state: ServiceState) -> None:
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
