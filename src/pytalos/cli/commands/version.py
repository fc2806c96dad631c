"""``talosctl version``: the client's version, then each node's (``MachineService.Version``).

Layout of ``cmd/talosctl/cmd/talos/version.go``: ``Client:`` block, ``Server:``, then per node a
``NODE:`` line, the node's ``VersionInfo`` in Talos's template (Tag, SHA, Built, Go version -- the
node's runtime, ``python3.x`` on pytalos --, OS/Arch) and ``Enabled:`` features. ``--client`` stops
after the client block; a node that fails adds ``error getting version from node <node>: <error>``
and the command exits 1 after printing what the others answered.
"""

from __future__ import annotations

import platform
import sys
from typing import Any

import click
from google.protobuf import empty_pb2
from grpclib.client import Channel

import pytalos
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    GlobalArgs,
    fan_out,
    global_options,
    insecure_options,
    raise_errors,
    run,
)


def client_version_text() -> str:
    """The ``Client:`` block in Talos's layout."""
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    return (
        "Client:\n"
        f"\tTag:         v{pytalos.__version__}\n"
        f"\tPython:      {sys.version.split()[0]}\n"
        f"\tOS/Arch:     {platform.system().lower()}/{arch}\n"
    )


def server_version_text(node: str, message: machine_pb2.Version) -> str:
    """One node's block: ``NODE:``, Talos's version template, ``Enabled:``."""
    v = message.version
    features = ["RBAC"] if message.features.rbac else []
    return (
        f"\tNODE:        {node}\n"
        f"\tTag:         {v.tag}\n"
        f"\tSHA:         {v.sha}\n"
        f"\tBuilt:       {v.built}\n"
        f"\tGo version:  {v.go_version}\n"
        f"\tOS/Arch:     {v.os}/{v.arch}\n"
        f"\tEnabled:     {', '.join(features)}\n"
    )


async def _version(channel: Channel, metadata: dict[str, str]) -> machine_pb2.VersionResponse:
    stub = machine_grpc.MachineServiceStub(channel)
    return await stub.Version(empty_pb2.Empty(), timeout=CALL_TIMEOUT, metadata=metadata)


@click.command("version")
@click.option("--client", is_flag=True, help="Print client version only")
@click.option("--short", is_flag=True, help="Print the short version")
@insecure_options
@global_options
def cli(client: bool, short: bool, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Prints the version."""
    if short:
        click.echo(f"Client:\npytalos v{pytalos.__version__}")
    else:
        click.echo(client_version_text(), nl=False)
    if client:
        return
    click.echo("Server:")
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    results = run(factory, fan_out(factory, _version))
    errors: list[str] = []
    for result in results:
        if result.error is not None:
            errors.append(f"error getting version from node {result.node}: {result.error.message}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            click.echo(server_version_text(result.node, message), nl=False)
    raise_errors(errors)
