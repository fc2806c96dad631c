"""``talosctl containers [-k]`` (alias ``c``) and ``talosctl stats [-k]``: the node's containers.

Talos's tables (``containers.go``, ``stats.go``; tabwriter, padding 3): ``NODE NAMESPACE ID IMAGE PID
STATUS`` and ``NODE NAMESPACE ID MEMORY(MB) CPU`` (memory in MB with two decimals, CPU time in ns),
each node's rows sorted by id; a container inside a pod (id differing from its pod's) is shown as
``└─ id``. The namespace is ``system`` (containerd driver) or, with ``-k``, ``k8s.io`` (CRI driver).
A node that fails adds ``error getting container list: …`` / ``error getting stats: …`` (exit 1)
after the other nodes' rows.
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import ClientFactory, GlobalArgs, global_options, raise_errors, run

from ._streaming import unary_nodes

SYSTEM_NAMESPACE = "system"
K8S_NAMESPACE = "k8s.io"


def _target(kubernetes: bool) -> tuple[str, int]:
    return (K8S_NAMESPACE, common_pb2.CRI) if kubernetes else (SYSTEM_NAMESPACE, common_pb2.CONTAINERD)


def _display(item: Any) -> str:
    return str(item.id) if item.id == item.pod_id else f"└─ {item.id}"


def container_rows(node: str, containers: Any) -> list[list[str]]:
    return [
        [node, c.namespace, _display(c), c.image, str(c.pid), c.status]
        for c in sorted(containers, key=lambda c: c.id)
    ]


def stat_rows(node: str, stats: Any) -> list[list[str]]:
    return [
        [node, s.namespace, _display(s), f"{s.memory_usage * 1e-6:.2f}", str(s.cpu_usage)]
        for s in sorted(stats, key=lambda s: s.id)
    ]


def _kubernetes_option(func: Any) -> Any:
    return click.option("-k", "--kubernetes", is_flag=True, help="use the k8s.io containerd namespace")(func)


@click.command("containers")
@_kubernetes_option
@global_options
def cli(kubernetes: bool, **flags: Any) -> None:
    """List containers."""
    namespace, driver = _target(kubernetes)
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.ContainersRequest(namespace=namespace, driver=driver)  # type: ignore[arg-type]
    results = run(factory, unary_nodes(factory, "Containers", request))
    rows = [["NODE", "NAMESPACE", "ID", "IMAGE", "PID", "STATUS"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error getting container list: {result.error}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            rows += container_rows(result.node, message.containers)
    click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)


@click.command("stats")
@_kubernetes_option
@global_options
def stats(kubernetes: bool, **flags: Any) -> None:
    """Get container stats."""
    namespace, driver = _target(kubernetes)
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.StatsRequest(namespace=namespace, driver=driver)  # type: ignore[arg-type]
    results = run(factory, unary_nodes(factory, "Stats", request))
    rows = [["NODE", "NAMESPACE", "ID", "MEMORY(MB)", "CPU"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error getting stats: {result.error}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            rows += stat_rows(result.node, message.stats)
    click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)
