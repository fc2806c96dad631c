"""``talosctl read <path>`` (alias ``cat``): a file of one node to stdout (``MachineService.Read``).

The path is a node path (the node's ``/`` is its node root folder); exactly one node (Talos's
``BuildClientEnforceSingleNode``); needs an ``os:admin`` client certificate.
"""

from __future__ import annotations

import sys
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


@click.command("read")
@click.argument("path")
@insecure_options
@global_options
def cli(path: str, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Read a file on the machine."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    factory.require_single_node("read")
    out = sys.stdout.buffer

    def write(node: str, data: Any) -> None:
        out.write(data.bytes)

    errors = run(factory, stream_nodes(factory, "Read", machine_pb2.ReadRequest(path=path), write))
    out.flush()
    sys.stdout.flush()
    raise_errors([f"error reading file: {e.message}" for e in errors])
