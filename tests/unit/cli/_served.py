"""Real node API servers on 127.0.0.1 for talosctl unit tests, run in a background event loop.

Each :class:`ServedNode` is machined's normal-mode server (``machine_server``: MachineService, COSI
State, InspectService) over mTLS with an Ed25519 certificate from a generated secrets bundle's OS CA,
backed by a real resource :class:`State`, a registered (not started) controller runtime and test
doubles for the node and the config runtime. talosctl runs in the test thread (CliRunner) and talks
to it over the network like it would to a node.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import threading
from collections.abc import Coroutine, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result

from pytalos.api.server import ApiServer
from pytalos.cli.main import cli
from pytalos.machined.resources import cluster, config
from pytalos.machined.runtime import (
    ControllerRuntime,
    Input,
    InputKind,
    Output,
    OutputKind,
    Reconciler,
    Resource,
    State,
)
from pytalos.machined.runtime.adapter import Runtime
from pytalos.machined.server.apply import Applier, MaintenanceApplier
from pytalos.machined.server.certs import node_server_cert, self_signed_server_cert
from pytalos.machined.server.listener import machine_server, maintenance_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.maintenance import MaintenanceService
from pytalos.machinery.client.config import Config
from pytalos.machinery.crypto.x509 import CertificateAndKey
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode

T = TypeVar("T")
CREATED = 1_700_000_000.0  # 2023-11-14T22:13:20Z


class MemberController(Reconciler):
    name = "cluster.MemberController"

    def inputs(self) -> Sequence[Input]:
        return (
            Input(cluster.NAMESPACE, cluster.AFFILIATE_TYPE),
            Input(config.NAMESPACE, config.MACHINE_TYPE_TYPE, config.MACHINE_TYPE_ID, InputKind.WEAK),
        )

    def outputs(self) -> Sequence[Output]:
        return (Output(cluster.MEMBER_TYPE),)

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:  # pragma: no cover - not started
        pass


class ConfigController(Reconciler):
    name = "config.MachineTypeController"

    def inputs(self) -> Sequence[Input]:
        return (Input(config.NAMESPACE, config.MACHINE_CONFIG_TYPE, config.V1ALPHA1_ID),)

    def outputs(self) -> Sequence[Output]:
        return (Output(config.MACHINE_TYPE_TYPE, OutputKind.SHARED),)

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:  # pragma: no cover - not started
        pass


@dataclass
class NodeResources:
    state: State
    runtime: ControllerRuntime | None


@dataclass
class ServedNode:
    hostname: str
    server: ApiServer
    node: FakeNode
    config_runtime: FakeRuntime
    resources: NodeResources
    address: str = ""


async def _populate(state: State, hostname: str) -> None:
    clock = iter(range(1000))
    state._clock = lambda: CREATED + next(clock)  # deterministic timestamps
    member = cluster.MemberSpec(
        node_id="abc123",
        addresses=(ipaddress.ip_address("10.5.0.2"),),
        hostname=hostname,
        machine_type="controlplane",
        operating_system="pytalos",
    )
    await state.create(
        Resource.new(cluster.NAMESPACE, cluster.MEMBER_TYPE, hostname, member), owner=MemberController.name
    )
    mc = config.MachineConfigSpec.of(_configs.config())
    await state.create(Resource.new(config.NAMESPACE, config.MACHINE_CONFIG_TYPE, config.V1ALPHA1_ID, mc))
    machine_type = config.MachineTypeSpec("controlplane")
    await state.create(
        Resource.new(config.NAMESPACE, config.MACHINE_TYPE_TYPE, config.MACHINE_TYPE_ID, machine_type),
        owner=ConfigController.name,
    )


class Servers:
    """A background event loop serving nodes until :meth:`close`."""

    def __init__(self) -> None:
        self.bundle = _configs._bundle()
        assert self.bundle.certs is not None and self.bundle.certs.os is not None
        self.ca: CertificateAndKey = self.bundle.certs.os
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="served-nodes", daemon=True)
        self.thread.start()
        self.nodes: list[ServedNode] = []
        self.maintenance: list[ApiServer] = []

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def start_node(self, hostname: str = "cp-1") -> ServedNode:
        async def start() -> ServedNode:
            state = State()
            await _populate(state, hostname)
            runtime = ControllerRuntime(state)
            runtime.register(MemberController())
            runtime.register(ConfigController())
            resources = NodeResources(state, runtime)
            node = FakeNode()
            config_runtime = FakeRuntime(_configs.config())
            api = MachineApi(node, Applier(config_runtime))
            identity = node_server_cert(self.ca, hostname, ["127.0.0.1"])
            server = machine_server(api, identity, self.ca.crt, "127.0.0.1", 0, resources=resources)
            await server.start()
            return ServedNode(hostname, server, node, config_runtime, resources, f"127.0.0.1:{server.port}")

        served = self.call(start())
        self.nodes.append(served)
        return served

    def start_maintenance(self) -> tuple[ApiServer, list[Any], CertificateAndKey]:
        accepted: list[Any] = []
        identity = self_signed_server_cert("maint", ["127.0.0.1"])

        async def start() -> ApiServer:
            server = maintenance_server(
                MaintenanceService(MaintenanceApplier(accepted.append)), identity, "127.0.0.1", 0
            )
            await server.start()
            return server

        server = self.call(start())
        self.maintenance.append(server)
        return server, accepted, identity

    def stop(self, server: ApiServer) -> None:
        self.call(server.close())

    def close(self) -> None:
        for served in self.nodes:
            self.call(served.server.close())
        for server in self.maintenance:
            self.call(server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    def talosconfig(self, path: Path, nodes: Sequence[str], roles: Sequence[str] = ("os:admin",)) -> Path:
        cfg = Config.from_bundle("unit", self.bundle, endpoints=["127.0.0.1"], roles=tuple(roles))
        cfg.contexts["unit"].nodes = list(nodes)
        cfg.save(str(path))
        return path


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    served = Servers()
    try:
        yield served
    finally:
        served.close()


def talosctl(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
