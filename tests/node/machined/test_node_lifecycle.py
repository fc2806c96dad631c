"""A real node (machined + containerd + etcd) in a fresh network namespace, end to end.

No config → maintenance API over TLS; a generated control-plane config applied through it → Running
with etcd healthy over mTLS; a reboot brings back the same config and the etcd data; a killed etcd is
restarted by the supervisor; a corrupt STATE config → maintenance with the error in the log. Every
test checks that no process, namespace or mount is left behind.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
from collections.abc import Iterator

import pytest

from pytalos.machined import netns
from pytalos.machined.etcd.client import EtcdClient
from pytalos.machined.etcd.layout import EtcdLayout
from pytalos.machined.launcher import processes_naming

from . import _node
from ._node import Node

pytestmark = pytest.mark.node

MAINTENANCE = "UNIMPLEMENTED: API is not implemented in maintenance mode"


@pytest.fixture
def node(request: pytest.FixtureRequest) -> Iterator[Node]:
    created = _node.new_node("lc")
    try:
        yield created
    finally:
        spec = created.proc.spec
        _node.remove_node(created)
        assert spec is not None and not netns.exists(spec.name), "network namespace left behind"
        assert not processes_naming(created.root), "processes left behind"


def _etcd(node: Node) -> EtcdClient:
    return EtcdClient.from_layout(EtcdLayout(node.root), [f"{node.address}:2379"], timeout=5.0)


async def _etcd_healthy(node: Node) -> None:
    async with _etcd(node) as client:
        await client.health(timeout=5.0)


async def _running_with_etcd(node: Node, ca: _node.CertificateAndKey) -> None:
    found = await _node.services(node, ca)
    states = {k: (v.state, v.health.healthy) for k, v in found.items()}
    assert states.get("etcd") == ("Running", True), states
    assert states.get("machined") == ("Running", True), states
    assert states.get("containerd") == ("Running", True), states
    assert found["kubelet"].state == "Skipped", states


def test_maintenance_apply_running_reboot_and_etcd_restart(node: Node) -> None:
    node.proc.start()
    pid = node.proc.pid

    # no config: the maintenance API answers over TLS (no client certificate), exactly like Talos
    error = asyncio.run(
        _node.until("maintenance API", lambda: _node.maintenance_version_error(node), 30, node)
    )
    assert error == MAINTENANCE

    config = _node.controlplane_config(node.address)
    ca = _node.os_ca(config)
    reply = asyncio.run(_node.apply_insecure(node, config.bytes()))
    assert len(reply.messages) == 1
    # a control plane's etcd waits to join until `talosctl bootstrap` makes it the first member
    asyncio.run(_node.bootstrap(node, ca))

    # Running, etcd healthy (linearizable read over mTLS from the host through the veth pair)
    asyncio.run(_node.until("node Running with etcd", lambda: _running_with_etcd(node, ca), 60, node))
    asyncio.run(_node.until("etcd healthy", lambda: _etcd_healthy(node), 30, node))
    # the name is the controllers' stable talos-xxx-yyy (generated configs set stableHostname), not
    # one derived from the address; etcd's member name is the same
    hostname = asyncio.run(_node.version_hostname(node, ca))
    assert re.fullmatch(r"talos-[0-9a-z]{3}-[0-9a-z]{3}", hostname), hostname
    assert f"--name={hostname}" in (node.root / "var" / "log" / "etcd.log").read_text()
    assert (node.root / "system" / "state" / "config.yaml").read_bytes() == config.bytes()

    async def put_key() -> None:
        async with _etcd(node) as client:
            await client.put("/pytalos/lifecycle", "survives-reboot")

    asyncio.run(put_key())
    etcd_before = _node.etcd_pids(node)
    assert len(etcd_before) == 1

    # reboot through the API: every service stops, machined starts again from STATE (same PID)
    actor = asyncio.run(_node.reboot(node, ca))
    assert actor

    async def back_with_new_etcd() -> None:
        pids = _node.etcd_pids(node)
        assert pids and pids != etcd_before, f"etcd not restarted by the reboot yet: {pids}"
        await _running_with_etcd(node, ca)

    asyncio.run(_node.until("node back after reboot", back_with_new_etcd, 60, node))
    assert node.proc.pid == pid and node.proc.running()
    assert (node.root / "system" / "state" / "config.yaml").read_bytes() == config.bytes()
    assert node.proc.log_path.read_text().count("sequence boot: done") == 2  # one boot per start

    async def read_key() -> bytes | None:
        async with _etcd(node) as client:
            return await client.get("/pytalos/lifecycle")

    assert asyncio.run(_node.until("etcd data after reboot", read_key, 30, node)) == b"survives-reboot"

    # kill etcd: the supervisor restarts it (restart policy Forever) and it is healthy again
    (victim,) = _node.etcd_pids(node)
    os.kill(victim, signal.SIGKILL)

    async def restarted() -> None:
        pids = _node.etcd_pids(node)
        assert pids and victim not in pids, f"etcd not restarted yet: {pids}"
        await _etcd_healthy(node)
        await _running_with_etcd(node, ca)

    asyncio.run(_node.until("etcd restarted by the supervisor", restarted, 60, node))
    assert asyncio.run(read_key()) == b"survives-reboot"

    # a clean stop: Shutdown sequence, exit code 0, nothing left in the namespace
    assert node.proc.stop() == 0
    assert node.proc.spec is not None and netns.pids_in(node.proc.spec.name) == []


def test_corrupt_state_config_boots_into_maintenance_with_the_error(node: Node) -> None:
    state = node.root / "system" / "state"
    state.mkdir(parents=True)
    (state / "config.yaml").write_bytes(b"version: v1alpha1\nmachine: [not, a, mapping\n")
    node.proc.start()
    error = asyncio.run(
        _node.until("maintenance API", lambda: _node.maintenance_version_error(node), 30, node)
    )
    assert error == MAINTENANCE
    log = node.log()
    assert "loading the config from STATE failed" in log
    assert f"{state / 'config.yaml'}: failed to load config" in log
    # the machined process stays up (no crash loop) and the bad file is kept for inspection
    assert node.proc.running()
    assert (state / "config.yaml").read_bytes().startswith(b"version: v1alpha1\nmachine: [not")
    assert node.proc.stop() == 0
