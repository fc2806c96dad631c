"""``talosctl dmesg [-f] [--tail]``: the kernel log of every node (``MachineService.Dmesg``).

Each line is ``<node>: <facility>: <priority>: [<time>]: <message>`` as machined formats it
(``cmd/talosctl/cmd/talos/dmesg.go``); ``--tail`` sends only new messages (useful with ``-f``).
Errors the node reports inside the stream are printed to stderr and the stream goes on.
"""

from __future__ import annotations

from typing import Any

import click

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


def _print(node: str, data: Any) -> None:
    if data.metadata.error:
        click.echo(f"{node}: {data.metadata.error}", err=True)
    if data.bytes:
        click.echo(f"{node}: {data.bytes.decode('utf-8', errors='replace').rstrip(chr(10))}")


@click.command("dmesg")
@click.option("-f", "--follow", is_flag=True, help="specify if the kernel log should be streamed")
@click.option("--tail", is_flag=True, help="specify if only new messages should be sent")
@insecure_options
@global_options
def cli(follow: bool, tail: bool, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Retrieve kernel logs."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    request = machine_pb2.DmesgRequest(follow=follow, tail=tail)
    errors = run(factory, stream_nodes(factory, "Dmesg", request, _print, follow))
    raise_errors([f"error getting dmesg: {e}" for e in errors])
