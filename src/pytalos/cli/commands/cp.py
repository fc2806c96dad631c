"""``talosctl copy <src-path> <local-path>`` (alias ``cp``): a file or folder of one node, extracted
locally (``MachineService.Copy`` streams a ``tar.gz``).

The source is a node path (the node's ``/`` is its node root folder); the archive's entries sit under
the source's base name and are extracted into ``local-path`` (created if missing), or the archive is
written to stdout with ``-``. Exactly one node; needs ``os:admin``. Extraction refuses entries that
would land outside ``local-path`` (tarfile's ``data`` filter).
"""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path
from typing import Any

import click

from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.nodeclient import (
    ClientFactory,
    CLIError,
    GlobalArgs,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

from ._streaming import stream_nodes


def extract(archive: bytes, target: Path) -> None:
    try:
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            tar.extractall(target, filter="data")
    except (OSError, tarfile.TarError) as err:
        raise CLIError(f"error extracting into {target}: {err}") from err


@click.command("copy")
@click.argument("src")
@click.argument("local_path")
@insecure_options
@global_options
def cli(src: str, local_path: str, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Copy data out from the node."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    factory.require_single_node("copy")
    chunks: list[bytes] = []
    request = machine_pb2.CopyRequest(root_path=src)
    errors = run(
        factory, stream_nodes(factory, "Copy", request, lambda node, data: chunks.append(data.bytes))
    )
    raise_errors([f"error copying: {e.message}" for e in errors])
    if local_path == "-":
        sys.stdout.buffer.write(b"".join(chunks))
        return
    extract(b"".join(chunks), Path(local_path))
