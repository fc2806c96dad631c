"""``talosctl list [path]`` (alias ``ls``): a folder listing from every node (``MachineService.List``).

Paths are node paths: a pytalos node's ``/`` is its node root folder. As ``list.go``: ``NODE NAME``
(names relative to the listed path, ``.`` for itself), or with ``-l`` ``NODE MODE UID GID SIZE(B)
LASTMOD NAME`` (Go's file mode string, ``Jan _2 15:04:05`` within six months else ``Jan _2 2006
15:04``, ``-H`` for humanized sizes); ``-r`` recurses without limit unless ``-d`` is given, ``-t``
keeps only some types (``f``/``d``/``l``). Entries the node could not read go to stderr.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import click

from pytalos.api.gen.machine import machine_pb2
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

from ._streaming import go_file_mode_string, humanize_bytes, stream_nodes

SIX_MONTHS = 6 * 24 * 30 * 3600
_TYPES = {
    "f": machine_pb2.ListRequest.REGULAR,
    "file": machine_pb2.ListRequest.REGULAR,
    "regular": machine_pb2.ListRequest.REGULAR,
    "d": machine_pb2.ListRequest.DIRECTORY,
    "dir": machine_pb2.ListRequest.DIRECTORY,
    "directory": machine_pb2.ListRequest.DIRECTORY,
    "l": machine_pb2.ListRequest.SYMLINK,
    "link": machine_pb2.ListRequest.SYMLINK,
    "symlink": machine_pb2.ListRequest.SYMLINK,
}


def modified_text(modified: int, now: float) -> str:
    when = datetime.fromtimestamp(modified)
    if now - modified < SIX_MONTHS:
        return f"{when:%b} {when.day:>2} {when:%H:%M:%S}"
    return f"{when:%b} {when.day:>2} {when:%Y %H:%M}"


def long_row(node: str, info: Any, humanize: bool, now: float) -> list[str]:
    name = info.relative_name + (f" -> {info.link}" if info.link else "")
    size = humanize_bytes(info.size) if humanize else str(info.size)
    return [
        node,
        go_file_mode_string(info.mode),
        str(info.uid),
        str(info.gid),
        size,
        modified_text(info.modified, now),
        name,
    ]


@click.command("list")
@click.argument("path", required=False, default="/")
@click.option("-l", "--long", "long_", is_flag=True, help="display additional file details")
@click.option("-r", "--recurse", is_flag=True, help="recurse into subdirectories")
@click.option("-d", "--depth", type=int, default=1, help="maximum recursion depth")
@click.option("-H", "--humanize", is_flag=True, help="humanize size and time in the output")
@click.option("-t", "--type", "types", multiple=True, help="filter by specified types: f, d, l")
@insecure_options
@global_options
def cli(
    path: str,
    long_: bool,
    recurse: bool,
    depth: int,
    humanize: bool,
    types: tuple[str, ...],
    insecure: bool,
    cert_fingerprints: tuple[str, ...],
    **flags: Any,
) -> None:
    """Retrieve a directory listing."""
    wanted = []
    for t in (v for value in types for v in value.split(",") if v):
        if t.lower() not in _TYPES:
            raise CLIError(f"invalid file type: {t}")
        wanted.append(_TYPES[t.lower()])
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    request = machine_pb2.ListRequest(
        root=path,
        recurse=recurse or depth > 1,
        recursion_depth=0 if recurse and depth == 1 else depth,
        types=wanted,
    )
    now = time.time()
    rows = [["NODE", "MODE", "UID", "GID", "SIZE(B)", "LASTMOD", "NAME"] if long_ else ["NODE", "NAME"]]

    def collect(node: str, info: Any) -> None:
        if info.metadata.error:
            click.echo(f"{node}: {info.metadata.error}", err=True)
        elif info.error:
            click.echo(f"{node}: error reading file {info.name}: {info.error}", err=True)
        else:
            rows.append(long_row(node, info, humanize, now) if long_ else [node, info.relative_name])

    errors = run(factory, stream_nodes(factory, "List", request, collect))
    click.echo(tabwrite(rows), nl=False)
    raise_errors([f"error listing {path}: {e}" for e in errors])
