"""A real etcd (Debian's) with mTLS from a fresh etcd CA, queried through machined's client.

(a) on 127.0.0.1 with free ports; (b) inside a fresh network namespace on a veth address, the client
running in the namespace too. Every test checks that no etcd process is left and the namespace is gone.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import _daemons
from ._etcd_probe import probe

pytestmark = pytest.mark.node
PROBE = Path(__file__).with_name("_etcd_probe.py")


@pytest.fixture
def etcd_root(tmp_path: Path) -> Iterator[Path]:
    _daemons.require_root_and("etcd", "ip")
    root = tmp_path / "node"
    yield root
    leftovers = _daemons.kill_leftovers(root)
    assert not leftovers, f"processes left running under {root}: {leftovers}"


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else "(no log)"


def test_etcd_on_loopback(etcd_root: Path, tmp_path: Path) -> None:
    client_port, peer_port = _daemons.free_port(), _daemons.free_port()
    node = _daemons.prepare_etcd(etcd_root, "127.0.0.1", client_port=client_port, peer_port=peer_port)
    log = tmp_path / "etcd.log"
    proc = _daemons.start(["etcd", *node.args], log)
    try:
        result = asyncio.run(probe(etcd_root, node.client_endpoint, tmp_path / "etcd.snapshot"))
    except Exception as exc:
        raise AssertionError(f"etcd probe failed: {exc}\n--- etcd log ---\n{_log_tail(log)}") from exc
    finally:
        _daemons.stop_process(proc)
    assert result["value"] == "value-1"
    assert result["members"] == [
        {
            "name": "node-1",
            "peer": [f"https://127.0.0.1:{peer_port}"],
            "client": [f"https://127.0.0.1:{client_port}"],
        }
    ]
    assert result["leader_is_self"]
    assert isinstance(result["snapshot_size"], int) and result["snapshot_size"] > 0
    assert (tmp_path / "etcd.snapshot").stat().st_size == result["snapshot_size"]
    assert proc.returncode is not None
    assert _daemons.processes_referencing(etcd_root) == []


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def netns() -> Iterator[str]:
    """A fresh namespace with ``lo`` up and a veth pair (both ends inside) on 10.254.0.1/2."""
    _daemons.require_root_and("ip")
    name = f"pytalos-etcd-{uuid.uuid4().hex[:8]}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        _ip("-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
        _ip("-n", name, "addr", "add", "10.254.0.1/24", "dev", "v0")
        _ip("-n", name, "addr", "add", "10.254.0.2/24", "dev", "v1")
        _ip("-n", name, "link", "set", "v0", "up")
        _ip("-n", name, "link", "set", "v1", "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=False, capture_output=True)
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert name not in listed, f"network namespace {name} was not removed"


def test_etcd_in_network_namespace(etcd_root: Path, netns: str, tmp_path: Path) -> None:
    # A namespace of our own: etcd's standard ports, on the node address of the veth.
    node = _daemons.prepare_etcd(etcd_root, "10.254.0.1", client_port=2379, peer_port=2380)
    log = tmp_path / "etcd.log"
    proc = _daemons.start(["ip", "netns", "exec", netns, "etcd", *node.args], log)
    try:
        probe_run = subprocess.run(
            ["ip", "netns", "exec", netns, sys.executable, str(PROBE), str(etcd_root), node.client_endpoint,
             str(tmp_path / "ns.snapshot")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        _daemons.stop_process(proc)
    assert probe_run.returncode == 0, f"{probe_run.stderr[-3000:]}\n--- etcd log ---\n{_log_tail(log)}"
    result = json.loads(probe_run.stdout)
    assert result["value"] == "value-1"
    assert result["members"] == [
        {"name": "node-1", "peer": ["https://10.254.0.1:2380"], "client": ["https://10.254.0.1:2379"]}
    ]
    assert result["snapshot_size"] > 0
    assert "--listen-client-urls=https://127.0.0.1:2379,https://10.254.0.1:2379" in node.args
    assert proc.returncode is not None
