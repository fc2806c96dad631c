"""machined in-process with fake services: maintenance on a bad STATE config, apply → Running,
reboot/shutdown exits, last-known-good rollback, try-mode revert, the node's name and addresses taken
from the network resources.

Without the controllers running, tests publish ``HostnameStatuses/hostname`` and ``NodeAddresses``
themselves (:func:`machined`), as the network controllers would."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.machined.node.config_runtime import ConfigRuntime
from pytalos.machined.node.events import ConfigLoadErrorEvent, EventBus, MachineStage, MachineStatusEvent
from pytalos.machined.node.identity import IdentityUnavailableError, StaticAddresses
from pytalos.machined.node.layout import NodeLayout
from pytalos.machined.node.machined import ExitAction, Machined, MachinedOptions
from pytalos.machined.node.service_plan import PlanInputs
from pytalos.machined.resources import network
from pytalos.machined.runtime import Resource
from pytalos.machined.sequencer.events import SequenceEvent
from pytalos.machined.state.config_store import ConfigStore
from pytalos.machined.system import HealthCheck, Runner, Service, ServiceLogs
from pytalos.machined.system.runner.fake import FakeRunner
from pytalos.machinery.config.container import Container

from . import _configs


class FakeService(Service):
    def __init__(self, service_id: str, healthy: bool = True, fail: str | None = None) -> None:
        self.id = service_id
        self.healthy = healthy
        self.fail = fail

    async def pre(self) -> None:
        if self.fail:
            raise RuntimeError(self.fail)

    def runner(self) -> Runner:
        return FakeRunner(self.id)

    def health_check(self) -> HealthCheck | None:
        if self.healthy:
            return None

        async def never() -> None:
            raise RuntimeError("not healthy")

        return never


def options(
    root: Path, plan: Callable[[Container, PlanInputs], list[Service]] | None = None, **kw: Any
) -> MachinedOptions:
    def early(layout: NodeLayout, logs: ServiceLogs) -> Service:
        return FakeService("containerd")

    return MachinedOptions(
        root=root,
        api_host="127.0.0.1",
        api_port=0,
        handle_signals=False,
        early_service=early,
        plan=plan or (lambda config, inputs: [FakeService("etcd")]),
        **{"run_controllers": False, **kw},
    )


HOSTNAME = "talos-unit-node"
ROUTED = (ipaddress.ip_interface("10.5.0.2/24"),)


async def machined(opts: MachinedOptions, hostname: str | None = HOSTNAME) -> Machined:
    """A machined whose state already holds what the network controllers publish."""
    node = Machined(opts)
    state = node.resources.state
    for id in (network.NODE_ADDRESS_CURRENT_ID, network.NODE_ADDRESS_ROUTED_ID):
        addresses = network.NodeAddressSpec(ROUTED)
        await state.create(Resource.new(network.NAMESPACE, network.NODE_ADDRESS_TYPE, id, addresses))
    if hostname is not None:
        status = network.HostnameStatusSpec(hostname, "example.org")
        await state.create(
            Resource.new(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, status)
        )
    return node


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 30))  # type: ignore[arg-type]


def insecure() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["h2"])
    return ctx


def test_corrupt_state_config_enters_maintenance_then_apply_boots(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config.write_bytes(b"machine: [oops\n")

    async def scenario() -> tuple[Machined, ExitAction]:
        node = await machined(options(layout.root))
        task = asyncio.create_task(node.run())
        await until(lambda: node.maintenance_server is not None)
        assert node.status.stage is MachineStage.MAINTENANCE
        (unmet,) = node.status.unmet
        assert unmet.name == "config" and str(layout.config) in unmet.reason
        server = node.maintenance_server
        assert server is not None
        channel = Channel("127.0.0.1", server.port, ssl=insecure())
        request = machine_pb2.ApplyConfigurationRequest(data=_configs.raw("worker"), mode=1)
        await machine_grpc.MachineServiceStub(channel).ApplyConfiguration(request, timeout=10)
        channel.close()
        await until(lambda: node.status.ready)  # Running, and etcd up (not waited for by the boot)
        assert node.status.stage is MachineStage.RUNNING
        node.request_shutdown()
        return node, await task

    node, action = run(scenario())
    assert action is ExitAction.SHUTDOWN
    assert layout.config.read_bytes() == _configs.raw("worker")
    assert layout.config_good.read_bytes() == _configs.raw("worker")  # Running → last known-good
    errors = node.events.payloads(ConfigLoadErrorEvent)
    assert len(errors) == 1 and "failed to load config" in str(errors[0])
    stages = [p.stage for p in node.events.payloads(MachineStatusEvent) if isinstance(p, MachineStatusEvent)]
    assert stages.index(MachineStage.MAINTENANCE) < stages.index(MachineStage.RUNNING)
    assert [s.id for s in node.system.service_list()] == ["containerd", "etcd"]
    assert all(s.state == "Finished" for s in node.system.service_list())


def test_reboot_stops_everything_and_asks_for_a_restart(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config.write_bytes(_configs.raw("worker"))

    async def scenario() -> tuple[Machined, ExitAction]:
        node = await machined(options(layout.root))
        task = asyncio.create_task(node.run())
        await until(lambda: node.status.stage is MachineStage.RUNNING)
        node.request_reboot("actor-7")
        return node, await task

    node, action = run(scenario())
    assert action is ExitAction.REBOOT
    names = [
        (p.sequence, p.action.name)
        for p in node.events.payloads(SequenceEvent)
        if isinstance(p, SequenceEvent)
    ]
    assert names[-2:] == [("reboot", "START"), ("reboot", "STOP")]
    assert all(s.state == "Finished" for s in node.system.service_list())
    assert not layout.pid_file.exists()


def test_boot_failure_with_an_unproven_config_rolls_back_to_the_good_one(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config_good.write_bytes(_configs.raw("worker"))
    layout.config.write_bytes(_configs.raw("controlplane"))

    def plan(config: Container, inputs: PlanInputs) -> list[Service]:
        return [FakeService("svc", fail="svc: bad flag")]

    async def scenario() -> tuple[Machined, ExitAction]:
        node = await machined(options(layout.root, plan, boot_timeout=0.5))
        return node, await node.run()

    node, action = run(scenario())
    assert action is ExitAction.REBOOT
    assert layout.config.read_bytes() == _configs.raw("worker")
    assert layout.config_failed.read_bytes() == _configs.raw("controlplane")
    (event,) = node.events.payloads(ConfigLoadErrorEvent)
    assert isinstance(event, ConfigLoadErrorEvent)
    assert event.error.startswith("configuration rolled back to the last known-good config: boot failed:")
    assert "svc: bad flag" in event.error


def test_watchdog_rolls_back_when_running_is_not_reached_in_time(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config_good.write_bytes(_configs.raw("worker"))
    layout.config.write_bytes(_configs.raw("controlplane"))

    def plan(config: Container, inputs: PlanInputs) -> list[Service]:
        return [FakeService("svc", healthy=False)]

    async def scenario() -> tuple[Machined, ExitAction]:
        node = await machined(options(layout.root, plan, rollback_timeout=0.3))
        return node, await node.run()

    node, action = run(scenario())
    assert action is ExitAction.REBOOT
    (event,) = node.events.payloads(ConfigLoadErrorEvent)
    assert isinstance(event, ConfigLoadErrorEvent)
    assert "did not reach Running within 0.3s" in event.error and "services" in event.error
    assert layout.config.read_bytes() == _configs.raw("worker")


def test_boot_does_not_wait_for_etcd(tmp_path: Path) -> None:
    """A control plane whose etcd waits for `talosctl bootstrap` is Running, not ready (unmet etcd)."""
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config.write_bytes(_configs.raw("controlplane"))

    def plan(config: Container, inputs: PlanInputs) -> list[Service]:
        return [FakeService("svc"), FakeService("etcd", healthy=False)]

    async def scenario() -> tuple[ExitAction, str]:
        node = await machined(options(layout.root, plan, boot_timeout=1))
        task = asyncio.create_task(node.run())
        await until(lambda: node.status.stage is MachineStage.RUNNING)
        await until(lambda: [c.name for c in node.status.unmet] == ["etcd"])
        reason = node.status.unmet[0].reason
        assert not node.status.ready
        node.request_shutdown()
        return await task, reason

    action, reason = run(scenario())
    assert action is ExitAction.SHUTDOWN
    assert reason.startswith("etcd is Running (") or reason.startswith("etcd is Starting"), reason
    assert not layout.config_good.exists()  # never ready: the config is not proven


def test_try_mode_reverts_to_the_persisted_config(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    store = ConfigStore(layout)
    store.save(_configs.raw("worker"))

    async def scenario() -> tuple[bytes, bytes]:
        runtime = ConfigRuntime(store, EventBus(), lambda actor: None)
        persisted = store.load()
        assert persisted is not None
        runtime.active = persisted
        trial = store.load()
        assert trial is not None
        await runtime.activate_config(type(trial)(trial.container, b"trial"))
        runtime.schedule_config_rollback(0.05)
        during = runtime.active_config()
        await asyncio.sleep(0.3)
        after = runtime.active_config()
        assert during is not None and after is not None
        return during.raw, after.raw

    during, after = run(scenario())
    assert during == b"trial" and after == _configs.raw("worker")


def test_a_later_apply_cancels_the_try_revert(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    store = ConfigStore(layout)
    store.save(_configs.raw("worker"))

    async def scenario() -> bytes:
        runtime = ConfigRuntime(store, EventBus(), lambda actor: None)
        loaded = store.load()
        assert loaded is not None
        await runtime.activate_config(type(loaded)(loaded.container, b"trial"))
        runtime.schedule_config_rollback(0.05)
        runtime.cancel_config_rollback()
        await asyncio.sleep(0.2)
        active = runtime.active_config()
        assert active is not None
        return active.raw

    assert run(scenario()) == b"trial"


def test_boot_names_the_node_from_the_network_resources(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config.write_bytes(_configs.raw("controlplane"))
    seen: list[PlanInputs] = []

    def plan(config: Container, inputs: PlanInputs) -> list[Service]:
        seen.append(inputs)
        return [FakeService("etcd")]

    async def scenario() -> str:
        node = await machined(options(layout.root, plan))
        task = asyncio.create_task(node.run())
        await until(lambda: node.status.stage is MachineStage.RUNNING)
        hostname = node.hostname()
        node.request_shutdown()
        await task
        return hostname

    assert run(scenario()) == HOSTNAME  # the Version/ServiceList metadata hostname
    (inputs,) = seen
    assert inputs.identity.hostname == HOSTNAME and inputs.identity.domainname == "example.org"
    assert inputs.identity.ips() == [ipaddress.ip_address("10.5.0.2")]  # etcd certs/args, API SANs


def test_boot_stops_with_a_located_error_when_no_hostname_is_published(tmp_path: Path) -> None:
    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config.write_bytes(_configs.raw("worker"))

    async def scenario() -> Machined:
        node = await machined(options(layout.root, identity_timeout=0.2), hostname=None)
        task = asyncio.create_task(node.run())
        await until(lambda: any(c.name == "network" and "within" in c.reason for c in node.status.unmet))
        node.request_shutdown()
        await task
        return node

    node = run(scenario())
    assert node.status.stage is not MachineStage.RUNNING
    (unmet,) = [c for c in node.status.unmet if c.name == "network"]
    assert "HostnameStatuses.net.talos.dev/hostname was not published within 0.2s" in unmet.reason
    assert "network.HostnameStatusController" in unmet.reason
    assert "controller runtime is not running" in unmet.reason
    assert [s.id for s in node.system.service_list()] == ["containerd"]  # nothing started without a name
    assert issubclass(IdentityUnavailableError, RuntimeError)


def test_controllers_see_the_config_and_the_stage(tmp_path: Path) -> None:
    from pytalos.machined.resources import config as config_res
    from pytalos.machined.resources import runtime as runtime_res
    from pytalos.machined.runtime import Pointer

    layout = NodeLayout(tmp_path / "node")
    layout.ensure()
    layout.config.write_bytes(_configs.raw("worker"))

    async def scenario() -> tuple[Any, Any, Any]:
        fixed = StaticAddresses([ipaddress.ip_address("10.5.0.9")])
        node = Machined(options(layout.root, run_controllers=True, addresses=fixed))
        task = asyncio.create_task(node.run())
        await until(lambda: node.status.stage is MachineStage.RUNNING)
        assert node.resources.runtime is not None, "controller runtime did not start"
        state = node.resources.state

        async def stage_running() -> bool:
            res = await state.get(Pointer(runtime_res.NAMESPACE, runtime_res.MACHINE_STAGE_TYPE, "machine"))
            return bool(res.spec.stage is runtime_res.MachineStage.RUNNING)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while not await stage_running():
            assert loop.time() < deadline
            await asyncio.sleep(0.02)
        source = await state.get(Pointer(config_res.NAMESPACE, config_res.CONFIG_SOURCE_TYPE, "v1alpha1"))
        persistent = await state.get(
            Pointer(config_res.NAMESPACE, config_res.CONFIG_SOURCE_TYPE, "persistent")
        )
        hostname = await state.get(Pointer(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, "hostname"))
        assert node.hostname() == hostname.spec.hostname  # the stable talos-xxx-yyy of this machine id
        node.request_shutdown()
        await task
        return source, persistent, node.resources.runtime

    source, persistent, runtime_after = run(scenario())
    assert source.spec == persistent.spec
    assert runtime_after is None  # stopped with the node
    assert len((layout.meta / "machine-id").read_text().strip()) == 32
