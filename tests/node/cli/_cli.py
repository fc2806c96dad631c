"""Shared steps of the talosctl-against-a-real-node tests: run talosctl as its own process, bring a
node up in a netns, configure it over the maintenance API and wait until etcd runs."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pytalos.machined import netns
from pytalos.machined.launcher import processes_naming
from pytalos.machinery.client.config import Config
from pytalos.machinery.secrets.ca import new_admin_certificate
from tests.node.machined import _node
from tests.node.machined._node import Node

TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]


def talosctl(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TALOSCTL, *args], capture_output=True, text=True, timeout=timeout, check=False)


def ok(*args: str) -> str:
    result = talosctl(*args)
    if result.returncode != 0:
        raise AssertionError(f"talosctl {' '.join(args)}: exit {result.returncode}: {result.stderr}")
    return result.stdout


def eventually(what: str, node: Node, check: Callable[[], str], timeout: float) -> str:
    """Retry ``check`` (a blocking talosctl call) until it passes; the failure names ``what``."""

    async def probe() -> str:
        return await asyncio.to_thread(check)

    return asyncio.run(_node.until(what, probe, timeout, node))


@contextmanager
def fresh_node(prefix: str) -> Iterator[Node]:
    """A node in its own netns; on exit, asserts no namespace or process is left behind."""
    created = _node.new_node(prefix)
    try:
        yield created
    finally:
        spec = created.proc.spec
        _node.remove_node(created)
        assert spec is not None and not netns.exists(spec.name), "network namespace left behind"
        assert not processes_naming(created.root), "processes left behind"


def configured(node: Node, tmp_path: Path, context: str) -> tuple[tuple[str, ...], str]:
    """Start ``node``, apply a control-plane config with ``apply-config --insecure``, ``talosctl
    bootstrap`` it, wait for etcd.

    Returns the admin ``--talosconfig`` arguments and the ``talosctl services`` output that showed etcd
    Running and healthy.
    """
    node.proc.start()
    asyncio.run(_node.until("maintenance API", lambda: _node.maintenance_version_error(node), 30, node))
    config = _node.controlplane_config(node.address)
    config_file = tmp_path / "controlplane.yaml"
    config_file.write_bytes(config.bytes())
    applied = talosctl("apply-config", "--insecure", "-n", node.address, "-f", str(config_file))
    assert applied.returncode == 0, applied.stderr
    ca = _node.os_ca(config)
    talosconfig = tmp_path / "talosconfig"
    cfg = Config.new(context, [node.address], ca.crt, new_admin_certificate(ca))
    cfg.contexts[context].nodes = [node.address]
    cfg.save(str(talosconfig))
    tc = ("--talosconfig", str(talosconfig))

    def bootstrap() -> str:  # retried while the freshly configured node is not up yet
        return ok("bootstrap", *tc)

    assert eventually("talosctl bootstrap", node, bootstrap, 60) == ""

    def etcd_running() -> str:
        out = ok("services", *tc)
        rows = {line.split()[1]: line.split() for line in out.splitlines()[1:]}
        assert rows["etcd"][2:4] == ["Running", "OK"], out
        return out

    return tc, eventually("etcd Running via talosctl services", node, etcd_running, 90)
