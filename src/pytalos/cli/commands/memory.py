"""``talosctl memory`` (alias ``free``): memory usage of every node (``MachineService.Memory``).

Talos's brief table ``NODE TOTAL USED FREE SHARED BUFFERS CACHE AVAILABLE`` in MiB (used = total -
free - cached - buffers), or with ``-v`` each node's ``/proc/meminfo`` fields (``memory.go``).
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

#: ``-v`` lines: (label, MemInfo field, unit)
_KB_FIELDS = (
    "MemTotal",
    "MemFree",
    "MemAvailable",
    "Buffers",
    "Cached",
    "SwapCached",
    "Active",
    "Inactive",
    "ActiveAnon",
    "InactiveAnon",
    "ActiveFile",
    "InactiveFile",
    "Unevictable",
    "Mlocked",
    "SwapTotal",
    "SwapFree",
    "Dirty",
    "Writeback",
    "AnonPages",
    "Mapped",
    "Shmem",
    "Slab",
    "SReclaimable",
    "SUnreclaim",
    "KernelStack",
    "PageTables",
    "NFSUnstable",
    "Bounce",
    "WritebackTmp",
    "CommitLimit",
    "CommittedAS",
    "VmallocTotal",
    "VmallocUsed",
    "VmallocChunk",
    "HardwareCorrupted",
    "AnonHugePages",
    "ShmemHugePages",
    "ShmemPmdMapped",
    "CmaTotal",
    "CmaFree",
)
VERBOSE = [(label, label.lower(), " kB") for label in _KB_FIELDS] + [
    ("HugePagesTotal", "hugepagestotal", ""),
    ("HugePagesFree", "hugepagesfree", ""),
    ("HugePagesRsvd", "hugepagesrsvd", ""),
    ("HugePagesSurp", "hugepagessurp", ""),
    ("Hugepagesize", "hugepagesize", " kB"),
    ("DirectMap4k", "directmap4k", " kB"),
    ("DirectMap2M", "directmap2m", " kB"),
    ("DirectMap1G", "directmap1g", " kB"),
]


def brief_row(node: str, m: Any) -> list[str]:
    used = m.memtotal - m.memfree - m.cached - m.buffers
    values = [m.memtotal, used, m.memfree, m.shmem, m.buffers, m.cached, m.memavailable]
    return [node, *(str(v // 1024) for v in values)]


@click.command("memory")
@click.option("-v", "--verbose", is_flag=True, help="display extended memory statistics")
@insecure_options
@global_options
def cli(verbose: bool, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Show memory usage."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    results = run(factory, unary_nodes(factory, "Memory", empty_pb2.Empty()))
    rows = [["NODE", "TOTAL", "USED", "FREE", "SHARED", "BUFFERS", "CACHE", "AVAILABLE"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error getting memory stats: {result.error}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            if verbose:
                click.echo(f"NODE: {result.node}")
                for label, name, unit in VERBOSE:
                    click.echo(f"{label}: {getattr(message.meminfo, name)}{unit}")
            else:
                rows.append(brief_row(result.node, message.meminfo))
    if not verbose:
        click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)
