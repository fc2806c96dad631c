"""talosctl's lifecycle and admin verbs against real node API servers on 127.0.0.1 (mTLS, Ed25519).

The server is machined's ``machine_server`` around a real :class:`MachineApi` with a real service
supervisor (:class:`System` with test services), a real resource state holding the node's machine
config, real service logs under a node root in ``tmp`` and the real applier over a config-runtime
double; machined's lifecycle hooks (shutdown/reset requests) and containerd (``ctr``) are recorded
doubles. talosctl runs in the test thread and talks to the server over the network.
"""

from __future__ import annotations

import asyncio
import base64
import sys
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest
from cryptography import x509 as cx509
from cryptography.x509.oid import NameOID

from pytalos.api.server import ApiServer
from pytalos.cli.commands._get_watch import watch_nodes
from pytalos.cli.cosi_client import RemoteResource
from pytalos.cli.flags import GlobalArgs
from pytalos.cli.nodeclient import ClientFactory
from pytalos.machined.node.events import EventBus
from pytalos.machined.node.layout import NodeLayout
from pytalos.machined.resources import cluster
from pytalos.machined.runtime import ControllerRuntime, Pointer, Resource, State
from pytalos.machined.sequencer.events import TaskAction, TaskEvent
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.containers import TaskInfo, TaskMetrics
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.system import System
from pytalos.machined.system.logs import ServiceLogs
from pytalos.machined.system.service_runner import ServiceInfo
from pytalos.machinery.client.config import Config
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.system._helpers import FakeService

from ._served import ConfigController, MemberController, NodeResources, Servers, _populate, servers, talosctl

R = TypeVar("R")

__all__ = ["servers"]

pytestmark = pytest.mark.unit


@dataclass
class FakeContainerd:
    """containerd as ``ctr`` would report it (the product uses :class:`CtrCli`)."""

    asked: list[tuple[Path, str]] = field(default_factory=list)

    async def tasks(self, address: Path, namespace: str) -> list[TaskInfo]:
        self.asked.append((address, namespace))
        return [
            TaskInfo("trustd", "ghcr.io/siderolabs/trustd:v1", 2200, "RUNNING"),
            TaskInfo("apid", "ghcr.io/siderolabs/apid:v1", 2100, "RUNNING"),
        ]

    async def metrics(self, address: Path, namespace: str, container_id: str) -> TaskMetrics:
        return TaskMetrics(12_345_678, 987_654_321) if container_id == "apid" else TaskMetrics(1_000_000, 5)


@dataclass
class LifecycleNode:
    """machined as these methods see it: a real supervisor and logs, recorded shutdown/reset hooks."""

    root: Path
    system: System
    logs: ServiceLogs
    shutdowns: list[str] = field(default_factory=list)
    resets: list[tuple[bool, frozenset[str], str]] = field(default_factory=list)
    events: EventBus = field(default_factory=EventBus)

    @property
    def layout(self) -> NodeLayout:
        return NodeLayout(self.root)

    def hostname(self) -> str:
        return "cp-1"

    def service_list(self) -> list[ServiceInfo]:
        return self.system.service_list()

    def request_reboot(self, actor_id: str) -> None:  # pragma: no cover - not used here
        pass

    def request_shutdown(self, actor_id: str = "") -> None:
        self.shutdowns.append(actor_id)
        self.events.publish(TaskEvent("stopAllServices", TaskAction.START), actor_id)

    def request_reset(
        self, reboot_after: bool = True, labels: Collection[str] | None = None, actor_id: str = ""
    ) -> None:
        self.resets.append((reboot_after, frozenset(labels or ()), actor_id))


@dataclass
class Served:
    node: LifecycleNode
    runtime: FakeRuntime
    state: State
    address: str
    talosconfig: Path
    containerd: FakeContainerd
    servers: Servers


@pytest.fixture(scope="module")
def served(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("node")
    NodeLayout(root).ensure()
    (root / "var" / "log" / "audit.log").write_text('{"method":"/machine.MachineService/Version"}\n')
    containerd = FakeContainerd()

    async def start() -> tuple[LifecycleNode, FakeRuntime, State, ApiServer]:
        state = State()
        await _populate(state, "cp-1")
        runtime = ControllerRuntime(state)
        runtime.register(MemberController())
        runtime.register(ConfigController())
        logs = ServiceLogs(root / "var" / "log")
        system = System(logs=logs)
        system.load_and_start(FakeService("apid"), FakeService("kubelet", user_restartable=True))
        await system.wait("apid", "kubelet", timeout=5)
        node = LifecycleNode(root, system, logs)
        config_runtime = FakeRuntime(_configs.config())
        api = MachineApi(node, Applier(config_runtime))  # type: ignore[arg-type]
        api.containerd = containerd
        identity = node_server_cert(servers.ca, "cp-1", ["127.0.0.1"])
        server = machine_server(
            api, identity, servers.ca.crt, "127.0.0.1", 0, resources=NodeResources(state, runtime)
        )
        await server.start()
        return node, config_runtime, state, server

    node, runtime, state, server = servers.call(start())
    address = f"127.0.0.1:{server.port}"
    talosconfig = servers.talosconfig(tmp_path_factory.mktemp("tc") / "talosconfig", [address])
    try:
        yield Served(node, runtime, state, address, talosconfig, containerd, servers)
    finally:
        servers.call(server.close())
        servers.call(node.system.shutdown())
        node.logs.close()


def tc(s: Served, *args: str) -> list[str]:
    return ["--talosconfig", str(s.talosconfig), *args]


# --- config new ------------------------------------------------------------------------------------


def test_config_new_reader_is_denied_writes(served: Served, tmp_path: Path) -> None:
    path = tmp_path / "reader.yaml"
    result = talosctl(*tc(served, "config", "new", str(path), "--roles", "os:reader", "--crt-ttl", "24h"))
    assert result.exit_code == 0, result.stderr
    assert path.stat().st_mode & 0o777 == 0o600
    cfg = Config.from_yaml(path.read_text())
    assert cfg.context == "reader@unit" and list(cfg.contexts) == ["reader@unit"]
    ctx = cfg.contexts["reader@unit"]
    assert ctx.endpoints == [] and base64.b64decode(ctx.ca) == served.servers.ca.crt
    crt = cx509.load_pem_x509_certificate(base64.b64decode(ctx.crt))
    assert [a.value for a in crt.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == ["os:reader"]
    lifetime = crt.not_valid_after_utc - crt.not_valid_before_utc
    assert 23 * 3600 < lifetime.total_seconds() <= 24 * 3600 + 60

    ctx.nodes, ctx.endpoints = [served.address], ["127.0.0.1"]  # `config node`, `config endpoint`
    cfg.save(str(path))
    reader = ["--talosconfig", str(path)]
    assert talosctl(*reader, "version").exit_code == 0
    denied = talosctl(*reader, "shutdown", "--wait=false")
    assert denied.exit_code == 1
    assert denied.stderr == (
        f"error: error executing shutdown: {served.address}: rpc error: code = PermissionDenied "
        "desc = not authorized\n"
    )
    assert talosctl(*reader, "config", "new", str(tmp_path / "x")).exit_code == 1  # admin only

    again = talosctl(*tc(served, "config", "new", str(path)))
    assert again.exit_code == 1 and again.stderr == f"error: {path} already exists\n"


def test_config_new_checks_roles_and_nodes(served: Served, tmp_path: Path) -> None:
    unknown = talosctl(*tc(served, "config", "new", str(tmp_path / "a"), "--roles", "os:root"))
    assert unknown.exit_code == 1 and unknown.stderr == "error: unknown roles: os:root\n"
    two = talosctl(*tc(served, "config", "new", "-n", served.address, "-n", served.address))
    assert two.exit_code == 1
    assert two.stderr == 'error: command "talosconfig" is not supported with multiple nodes\n'
    zero = talosctl(*tc(served, "config", "new", str(tmp_path / "b"), "--crt-ttl", "0s"))
    assert zero.exit_code == 1 and "code = InvalidArgument desc = crt_ttl should be positive" in zero.stderr
    admin = tmp_path / "admin"
    assert talosctl(*tc(served, "config", "new", str(admin))).exit_code == 0
    assert Config.from_yaml(admin.read_text()).context == "admin@unit"


# --- shutdown / reset ------------------------------------------------------------------------------


def _recorded(items: list[R], count: int) -> R:
    """The newest of ``items`` once there are ``count`` (the server acts after its reply is sent)."""
    for _ in range(200):
        if len(items) >= count:
            return items[-1]
        time.sleep(0.01)
    raise AssertionError(f"the node recorded {len(items)} requests, expected {count}")


def test_shutdown_and_reset_reach_machined(served: Served) -> None:
    before = len(served.node.shutdowns)
    result = talosctl(*tc(served, "shutdown", "--force", "--wait=false"))
    assert result.exit_code == 0 and result.stdout == "", result.stderr
    assert len(_recorded(served.node.shutdowns, before + 1)) == 36

    resets = served.node.resets
    n = len(resets)
    result = talosctl(*tc(served, "reset", "--system-labels-to-wipe", "STATE", "--reboot", "--wait=false"))
    assert result.exit_code == 0, result.stderr
    assert _recorded(resets, n + 1)[:2] == (True, frozenset({"STATE"}))
    assert talosctl(*tc(served, "reset", "--graceful=false", "--wait", "false")).exit_code == 0
    assert _recorded(resets, n + 2)[:2] == (False, frozenset({"STATE", "EPHEMERAL"}))
    assert (
        talosctl(*tc(served, "reset", "--system-labels-to-wipe", "EPHEMERAL,META", "--wait=0")).exit_code == 0
    )
    assert _recorded(resets, n + 3)[1] == frozenset({"EPHEMERAL", "META"})

    count = len(served.node.resets)
    bad = talosctl(*tc(served, "reset", "--system-labels-to-wipe", "BOOT", "--wait=false"))
    assert bad.exit_code == 1 and len(served.node.resets) == count
    assert bad.stderr.startswith(
        f"error: error executing reset: {served.address}: rpc error: code = InvalidArgument "
        'desc = failed to get volume status with label "BOOT"'
    )
    disks = talosctl(*tc(served, "reset", "--user-disks-to-wipe", "/dev/sdb", "--wait=false"))
    assert disks.exit_code == 1 and "cannot be wiped" in disks.stderr


def test_shutdown_wait_follows_events_and_times_out_naming_the_node(served: Served) -> None:
    """--wait (the default): progress from the node's events; a node that still answers after
    --timeout fails with the node, what was awaited and the last state seen."""
    result = talosctl(*tc(served, "shutdown", "--timeout", "3s"))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    node = f'"{served.address}"'
    assert lines[0] == f"{node}: waiting for actor ID"
    actor = served.node.shutdowns[-1]
    assert lines[1] == f"{node}: actor ID: {actor}"
    assert f"{node}: events check condition met" in lines
    assert f"{node}: post check: the node still answers" in lines
    assert lines[-1] == (
        f"error: {served.address}: timed out after 3s waiting for the node to shut down; "
        "last state: post check: the node still answers"
    )
    # a refused action ends the node's tracking at once, with the RPC error
    denied = talosctl(*tc(served, "reset", "--user-disks-to-wipe", "/dev/sdb"))
    assert denied.exit_code == 1 and "cannot be wiped" in denied.stderr.splitlines()[-1]
    assert denied.stderr.splitlines()[-1].startswith(
        f"error: {served.address}: rpc error: code = InvalidArgument"
    )


# --- services --------------------------------------------------------------------------------------


def test_service_start_stop_restart(served: Served) -> None:
    restart = talosctl(*tc(served, "service", "kubelet", "restart"))
    assert restart.exit_code == 0, restart.stderr
    assert restart.stdout.splitlines() == [
        "NODE              RESPONSE",
        f'{served.address}   Service "kubelet" restarted',
    ]
    assert talosctl(*tc(served, "service", "kubelet", "stop")).stdout.endswith('Service "kubelet" stopped\n')
    assert not served.node.system.is_running("kubelet")
    assert talosctl(*tc(served, "service", "kubelet", "start")).stdout.endswith('Service "kubelet" started\n')
    assert served.node.system.is_running("kubelet")

    refused = talosctl(*tc(served, "service", "apid", "restart"))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"error: error restarting service: {served.address}: rpc error: code = Unknown "
        'desc = service "apid" doesn\'t support restart operation via API\n'
    )
    missing = talosctl(*tc(served, "service", "nope", "stop"))
    assert missing.stderr.endswith('desc = service "nope" not defined\n')


# --- containers / stats / logs audit ---------------------------------------------------------------


def test_containers_and_stats(served: Served) -> None:
    result = talosctl(*tc(served, "containers"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NODE", "NAMESPACE", "ID", "IMAGE", "PID", "STATUS"]
    assert [line.split() for line in lines[1:]] == [
        [served.address, "system", "apid", "ghcr.io/siderolabs/apid:v1", "2100", "RUNNING"],
        [served.address, "system", "trustd", "ghcr.io/siderolabs/trustd:v1", "2200", "RUNNING"],
    ]
    address, namespace = served.containerd.asked[-1]
    assert namespace == "system" and address == NodeLayout(served.node.root).containerd.address

    stats = talosctl(*tc(served, "stats"))
    assert stats.exit_code == 0, stats.stderr
    assert [line.split() for line in stats.stdout.splitlines()] == [
        ["NODE", "NAMESPACE", "ID", "MEMORY(MB)", "CPU"],
        [served.address, "system", "apid", "12.35", "987654321"],
        [served.address, "system", "trustd", "1.00", "5"],
    ]
    k8s = talosctl(*tc(served, "containers", "-k"))
    assert k8s.exit_code == 1 and "error getting container list:" in k8s.stderr
    assert "code = NotFound desc = Kubernetes containers are not available" in k8s.stderr


def test_logs_audit_reads_the_audit_log(served: Served) -> None:
    result = talosctl(*tc(served, "logs", "audit"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == '{"method":"/machine.MachineService/Version"}\n'


# --- get -o jsonpath / --watch ---------------------------------------------------------------------


def test_get_jsonpath(served: Served) -> None:
    result = talosctl(*tc(served, "get", "members", "-o", "jsonpath={.spec.hostname}"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "cp-1\n"
    listing = talosctl(*tc(served, "get", "members", "-o", "jsonpath={.spec.addresses}"))
    assert listing.stdout == '[\n    "10.5.0.2"\n]\n'
    node = talosctl(*tc(served, "get", "members", "cp-1", "-o", "jsonpath={.node}"))
    assert node.stdout == f"{served.address}\n"
    missing = talosctl(*tc(served, "get", "members", "-o", "jsonpath={.spec.nope}"))
    assert (
        missing.exit_code == 1
        and missing.stderr == "error: error finding result for jsonpath: nope is not found\n"
    )
    bad = talosctl(*tc(served, "get", "members", "-o", "jsonpath"))
    assert bad.exit_code == 1 and "requires a template" in bad.stderr


def test_get_watch_streams_bootstrap_then_changes(served: Served) -> None:
    events: list[tuple[str, str, RemoteResource]] = []
    factory = ClientFactory.build(GlobalArgs(talosconfig=str(served.talosconfig)))
    ptr = Pointer(cluster.NAMESPACE, cluster.MEMBER_TYPE, "cp-2")

    async def change() -> None:
        member = (await served.state.get(Pointer(cluster.NAMESPACE, cluster.MEMBER_TYPE, "cp-1"))).spec
        await served.state.create(Resource.new(*ptr, member), owner=MemberController.name)
        await served.state.destroy(ptr, owner=MemberController.name)

    async def scenario() -> None:
        def on_event(node: str, event: str, res: RemoteResource) -> None:
            events.append((node, event, res))
            if len(events) == 1:  # bootstrap seen: change the state on the server's loop
                asyncio.run_coroutine_threadsafe(change(), served.servers.loop)

        watching = asyncio.create_task(watch_nodes(factory, "cluster", cluster.MEMBER_TYPE, "", on_event))
        async with asyncio.timeout(10):
            while len(events) < 3:
                await asyncio.sleep(0.02)
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)
        factory.close()

    asyncio.run(scenario())
    assert [(e, r.id) for _, e, r in events] == [
        ("created", "cp-1"),
        ("created", "cp-2"),
        ("destroyed", "cp-2"),
    ]
    assert events[0][0] == served.address and events[0][2].spec["hostname"] == "cp-1"


def test_get_watch_of_one_id_starts_with_its_state(served: Served) -> None:
    events: list[tuple[str, str]] = []
    factory = ClientFactory.build(GlobalArgs(talosconfig=str(served.talosconfig)))

    async def scenario() -> None:
        watching = asyncio.create_task(
            watch_nodes(
                factory, "cluster", cluster.MEMBER_TYPE, "ghost", lambda n, e, r: events.append((e, r.id))
            )
        )
        async with asyncio.timeout(10):
            while not events:
                await asyncio.sleep(0.02)
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)
        factory.close()

    asyncio.run(scenario())
    assert events == [("destroyed", "ghost")]


# --- patch / edit machineconfig ------------------------------------------------------------------


def test_patch_machineconfig_applies_the_patched_config(served: Served, tmp_path: Path) -> None:
    patch = tmp_path / "p.yaml"
    patch.write_text("machine:\n  certSANs:\n    - patched.example.org\n")
    before = len(served.runtime.activated)
    result = talosctl(*tc(served, "patch", "machineconfig", "--patch", f"@{patch}", "--mode", "no-reboot"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"patched MachineConfigs.config.talos.dev/v1alpha1 at the node {served.address}"
    )
    assert "Applied configuration without a reboot" in result.stdout
    assert len(served.runtime.activated) == before + 1
    assert b"- patched.example.org" in served.runtime.activated[-1]

    dry = talosctl(*tc(served, "patch", "mc", "-p", "machine: {certSANs: [dry.example.org]}", "--dry-run"))
    assert dry.exit_code == 0, dry.stderr
    assert "Dry run summary" in dry.stdout and len(served.runtime.activated) == before + 1

    wrong = talosctl(*tc(served, "patch", "members", "-p", "@x"))
    assert wrong.exit_code == 1 and "only the machine config" in wrong.stderr
    none = talosctl(*tc(served, "patch", "mc"))
    assert none.exit_code == 1 and none.stderr == "error: either --patch or --patch-file should be defined\n"


def test_edit_machineconfig_runs_the_editor(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "p = sys.argv[1]\n"
        "text = open(p).read()\n"
        "open(p, 'w').write(text.replace('certSANs: []', 'certSANs: [edited.example.org]', 1))\n"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    before = len(served.runtime.activated)
    result = talosctl(*tc(served, "edit", "machineconfig", "--mode", "no-reboot"))
    assert result.exit_code == 0, result.stderr
    assert "Applied configuration without a reboot" in result.stdout
    assert (
        len(served.runtime.activated) == before + 1 and b"edited.example.org" in served.runtime.activated[-1]
    )

    monkeypatch.setenv("EDITOR", "true")
    unchanged = talosctl(*tc(served, "edit", "mc"))
    assert unchanged.stdout == "Apply was skipped: no changes detected.\n"
    assert len(served.runtime.activated) == before + 1
