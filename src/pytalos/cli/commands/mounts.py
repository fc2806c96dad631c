"""``talosctl mounts``: mounted filesystems of every node with their usage (``MachineService.Mounts``).

Talos's table (``mounts.go``): ``NODE FILESYSTEM SIZE(GB) USED(GB) AVAILABLE(GB) PERCENT USED MOUNTED
ON``, sizes in GB (10^9 bytes) with two decimals; filesystems of size 0 are left out.
"""

from __future__ import annotations

from typing import Any

import click
from google.protobuf import empty_pb2

from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    ClientFactory,
    GlobalArgs,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

from ._streaming import unary_nodes


def mount_rows(node: str, stats: Any) -> list[list[str]]:
    rows = []
    for r in stats:
        if r.size == 0:
            continue  # Talos: percent is NaN, row skipped
        percent = 100.0 - 100.0 * (r.available / r.size)
        rows.append(
            [
                node,
                r.filesystem,
                f"{r.size * 1e-9:.2f}",
                f"{(r.size - r.available) * 1e-9:.2f}",
                f"{r.available * 1e-9:.2f}",
                f"{percent:.2f}%",
                r.mounted_on,
            ]
        )
    return rows


@click.command("mounts")
@insecure_options
@global_options
def cli(insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """List mounts."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    results = run(factory, unary_nodes(factory, "Mounts", empty_pb2.Empty()))
    rows = [["NODE", "FILESYSTEM", "SIZE(GB)", "USED(GB)", "AVAILABLE(GB)", "PERCENT USED", "MOUNTED ON"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error getting mounts: {result.error}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            rows += mount_rows(result.node, message.stats)
    click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)
