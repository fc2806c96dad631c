"""``talosctl usage [path…]`` (alias ``du``): disk usage under paths of every node
(``MachineService.DiskUsage``).

As ``diskusage.go``: ``NODE SIZE NAME`` (bytes, or go-humanize with ``-H``); ``-d`` how many levels
below each path to show (0: the path's total only), ``-a`` files too, ``-t`` threshold (positive:
hide smaller entries, negative: hide larger). Paths are node paths (``/`` is the node root folder).
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    ClientFactory,
    GlobalArgs,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

from ._streaming import humanize_bytes, stream_nodes


@click.command("usage")
@click.argument("paths", nargs=-1)
@click.option("-a", "--all", "all_", is_flag=True, help="write counts for all files, not just directories")
@click.option("-d", "--depth", type=int, default=0, help="maximum recursion depth")
@click.option("-H", "--humanize", is_flag=True, help="humanize size and time in the output")
@click.option(
    "-t", "--threshold", type=int, default=0, help="exclude entries smaller (>0) / larger (<0) than SIZE"
)
@insecure_options
@global_options
def cli(
    paths: tuple[str, ...],
    all_: bool,
    depth: int,
    humanize: bool,
    threshold: int,
    insecure: bool,
    cert_fingerprints: tuple[str, ...],
    **flags: Any,
) -> None:
    """Retrieve a disk usage."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    request = machine_pb2.DiskUsageRequest(
        recursion_depth=depth + 1, all=all_, threshold=threshold, paths=list(paths) or ["/"]
    )
    rows = [["NODE", "SIZE", "NAME"]]
    problems: list[str] = []

    def collect(node: str, info: Any) -> None:
        if info.error:
            problems.append(f"{node}: {info.error}")
        else:
            rows.append([node, humanize_bytes(info.size) if humanize else str(info.size), info.relative_name])

    errors = run(factory, stream_nodes(factory, "DiskUsage", request, collect))
    click.echo(tabwrite(rows), nl=False)
    raise_errors(problems + [f"error fetching disk usage: {e}" for e in errors])
