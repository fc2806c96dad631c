"""``talosctl processes`` (alias ``ps``): processes of every node (``MachineService.Processes``).

Talos's layout (``processes.go``, columnize with two-space glue): ``NODE PID STATE THREADS CPU-TIME
VIRTMEM RESMEM COMMAND``, sorted by resident memory (``-s rss``, default) or CPU time (``-s cpu``),
sizes as go-humanize bytes; the command is the executable with the process's arguments.
"""

from __future__ import annotations

import posixpath
from typing import Any

import click
from google.protobuf import empty_pb2

from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    ClientFactory,
    CLIError,
    GlobalArgs,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

from ._streaming import humanize_bytes, unary_nodes


def command_line(p: Any) -> str:
    """Talos: the executable in place of ``argv[0]`` when they name the same program."""
    if not p.executable:
        return str(p.command)
    args = p.args.split()
    if args and args[0] == posixpath.basename(p.executable.split()[0]):
        return str(p.args.replace(args[0], p.executable, 1))
    return str(p.args)


def process_rows(node: str, processes: Any, sort: str) -> list[list[str]]:
    key = (lambda p: p.cpu_time) if sort == "cpu" else (lambda p: p.resident_memory)
    return [
        [
            node,
            str(p.pid),
            p.state,
            str(p.threads),
            f"{p.cpu_time:.2f}",
            humanize_bytes(p.virtual_memory),
            humanize_bytes(p.resident_memory),
            command_line(p),
        ]
        for p in sorted(processes, key=key, reverse=True)
    ]


@click.command("processes")
@click.option("-s", "--sort", default="rss", help="Column to sort output by. [rss|cpu]")
@insecure_options
@global_options
def cli(sort: str, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """List running processes."""
    if sort not in ("rss", "cpu"):
        raise CLIError(f'invalid sort column "{sort}": use rss or cpu')
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    results = run(factory, unary_nodes(factory, "Processes", empty_pb2.Empty()))
    rows = [["NODE", "PID", "STATE", "THREADS", "CPU-TIME", "VIRTMEM", "RESMEM", "COMMAND"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error getting processes: {result.error}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            rows += process_rows(result.node, message.processes, sort)
    click.echo(tabwrite(rows, padding=2), nl=False)
    raise_errors(errors)
