"""``talosctl restart <id> [-k]``: restart a container (``MachineService.Restart``).

As Talos's ``restart.go``: the container's task gets SIGTERM and its supervisor starts it again;
``-k`` targets the ``k8s.io`` namespace (CRI driver), else ``system``. Nothing is printed on success;
a node that fails adds ``error restarting process: <node>: rpc error: …`` (exit 1).
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.nodeclient import ClientFactory, GlobalArgs, global_options, raise_errors, run

from ._streaming import unary_nodes
from .containers import _target


@click.command("restart")
@click.argument("container_id", metavar="<id>")
@click.option("-k", "--kubernetes", is_flag=True, help="use the k8s.io containerd namespace")
@global_options
def cli(container_id: str, kubernetes: bool, **flags: Any) -> None:
    """Restart a container."""
    namespace, driver = _target(kubernetes)
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.RestartRequest(namespace=namespace, id=container_id, driver=driver)  # type: ignore[arg-type]
    results = run(factory, unary_nodes(factory, "Restart", request))
    raise_errors([f"error restarting process: {r.error}" for r in results if r.error is not None])
