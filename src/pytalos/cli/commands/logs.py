"""``talosctl logs SERVICE [-f] [--tail N]``: a service's log from every node (``MachineService.Logs``).

As ``cmd/talosctl/cmd/talos/logs.go``: chunks are cut into lines; with one node the lines are printed
as they are, with several each line starts with ``<node>: ``. ``--tail`` (default -1: everything)
keeps the last N lines, ``-f`` follows until interrupted. ``machined`` is a valid id: machined's own
log. A node's failure is ``error fetching logs: <node>: <error>`` and exit code 1.
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.nodeclient import (
    ClientFactory,
    GlobalArgs,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

from ._streaming import stream_nodes


class LinePrinter:
    """Whole lines per node, prefixed with the node when several nodes answer."""

    def __init__(self, prefix: bool) -> None:
        self.prefix = prefix
        self.partial: dict[str, bytes] = {}

    def feed(self, node: str, data: bytes) -> None:
        text = self.partial.pop(node, b"") + data
        *lines, rest = text.split(b"\n")
        for line in lines:
            self.emit(node, line)
        if rest:
            self.partial[node] = rest

    def emit(self, node: str, line: bytes) -> None:
        shown = line.decode("utf-8", errors="replace")
        click.echo(f"{node}: {shown}" if self.prefix else shown)

    def flush(self) -> None:
        for node, rest in self.partial.items():
            self.emit(node, rest)
        self.partial.clear()


@click.command("logs")
@click.argument("service_id")
@click.option("-f", "--follow", is_flag=True, help="specify if the logs should be streamed")
@click.option("--tail", type=int, default=-1, help="lines of log file to display (default: all)")
@click.option("-k", "--kubernetes", is_flag=True, help="use the k8s.io containerd namespace")
@insecure_options
@global_options
def cli(
    service_id: str,
    follow: bool,
    tail: int,
    kubernetes: bool,
    insecure: bool,
    cert_fingerprints: tuple[str, ...],
    **flags: Any,
) -> None:
    """Retrieve logs for a service."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    request = machine_pb2.LogsRequest(
        namespace="k8s.io" if kubernetes else "system",
        id=service_id,
        driver=common_pb2.CONTAINERD,
        follow=follow,
        tail_lines=tail,
    )
    printer = LinePrinter(prefix=len(factory.nodes) > 1)
    errors = run(
        factory,
        stream_nodes(factory, "Logs", request, lambda node, data: printer.feed(node, data.bytes), follow),
    )
    printer.flush()
    raise_errors([f"error fetching logs: {e}" for e in errors])
