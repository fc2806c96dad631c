"""Several machined nodes on one Linux bridge, each in its own network namespace (node-tier helper).

Used by the apid fan-out suite and the trustd suite. :func:`new_bridge` creates a bridge with a
random ``10.<octet>.N.0/24`` (``.1`` on the host, node ``i`` at ``.10+i``) and removes the nodes,
their namespaces and the bridge afterwards, asserting nothing is left behind. :func:`cluster_configs`
generates a control plane and a worker config from one secrets bundle.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pytalos.machined import netns
from pytalos.machined.launcher import NodeProcess, processes_naming
from pytalos.machined.netns import NetnsSpec, run_ip
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.generate import Input, generate
from tests.node.machined import _daemons, _node
from tests.node.machined._node import Node


@dataclasses.dataclass
class Bridge:
    name: str
    prefix: str  # "10.214.N."
    tag: str = "br"  # node root folder prefix
    nodes: list[Node] = dataclasses.field(default_factory=list)

    def add_node(self, index: int) -> Node:
        root = Path(tempfile.mkdtemp(prefix=f"ptn{self.tag}{index}-", dir="/tmp")) / "node"
        spec = NetnsSpec(f"pytalos-{root.parent.name}")
        proc = NodeProcess(root, spec, extra_args=["--rollback-timeout", "120"])
        node = Node(proc, f"{self.prefix}{10 + index}")
        self.nodes.append(node)
        proc.create_netns()
        host_if = "pa" + spec.host_if[2:]
        run_ip("link", "add", host_if, "type", "veth", "peer", "name", "eth0", "netns", spec.name)
        run_ip("link", "set", host_if, "master", self.name)
        run_ip("link", "set", host_if, "up")
        run_ip("-n", spec.name, "addr", "add", f"{node.address}/24", "dev", "eth0")
        run_ip("-n", spec.name, "link", "set", "eth0", "up")
        run_ip("-n", spec.name, "route", "add", "default", "via", f"{self.prefix}1")
        proc.start()
        return node


@contextlib.contextmanager
def new_bridge(second_octet: int, tag: str) -> Iterator[Bridge]:
    """A bridge on ``10.<second_octet>.<random>.0/24``; every node on it is removed on exit."""
    _daemons.require_root_and("ip", "nsenter", "containerd", "etcd", "ctr")
    rand = os.urandom(3).hex()
    created = Bridge(f"ptbr{rand}", f"10.{second_octet}.{int(rand[:2], 16)}.", tag)
    run_ip("link", "add", created.name, "type", "bridge")
    try:
        run_ip("addr", "add", f"{created.prefix}1/24", "dev", created.name)
        run_ip("link", "set", created.name, "up")
        yield created
    finally:
        for node in created.nodes:
            spec = node.proc.spec
            _node.remove_node(node)
            assert spec is not None and not netns.exists(spec.name), "network namespace left behind"
            assert not processes_naming(node.root), "processes left behind"
        run_ip("link", "del", created.name, check=False)
        assert subprocess.run(["ip", "link", "show", created.name], capture_output=True).returncode != 0
        for node in created.nodes:
            shutil.rmtree(node.root.parent, ignore_errors=True)


def cluster_configs(name: str, endpoint: str) -> tuple[Container, Container]:
    """(control plane, worker) configs of one cluster whose endpoint is ``https://endpoint:6443``."""
    bundle = Input(cluster_name=name, endpoint=f"https://{endpoint}:6443").bundle
    inp = Input(cluster_name=name, endpoint=f"https://{endpoint}:6443", secrets_bundle=bundle)
    return generate(inp, "controlplane"), generate(inp, "worker")
