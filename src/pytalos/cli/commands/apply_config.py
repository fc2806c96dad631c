"""``talosctl apply-config`` (alias ``apply``): send a machine config to nodes.

Mirrors ``cmd/talosctl/cmd/talos/apply-config.go``: ``-f/--file`` is read (and patched locally with
``-p/--config-patch``, Talos's patch rules), then sent with ``-m/--mode auto|no-reboot|staged|try``
(``reboot`` is still accepted, as Talos's wire keeps it), ``--dry-run`` and ``--timeout`` (the try-mode
rollback, Go duration syntax, default ``1m0s``) to every node. ``-i/--insecure`` talks to a node in
maintenance mode (no client certificate; ``--cert-fingerprint`` pins its certificate). Each node's
warnings go to stderr as ``WARNING: …`` and its ``mode_details`` to stdout (``Applied configuration
without a reboot``, the dry-run summary and diff); a failing node adds ``error applying new
configuration: <node>: rpc error: …`` and the command exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from google.protobuf.duration_pb2 import Duration
from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.flags import duration_seconds
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    CLIError,
    GlobalArgs,
    fan_out,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

MODES = {
    "auto": machine_pb2.ApplyConfigurationRequest.AUTO,
    "no-reboot": machine_pb2.ApplyConfigurationRequest.NO_REBOOT,
    "reboot": machine_pb2.ApplyConfigurationRequest.REBOOT,
    "staged": machine_pb2.ApplyConfigurationRequest.STAGED,
    "try": machine_pb2.ApplyConfigurationRequest.TRY,
}


def parse_duration(text: str) -> float:
    """``--timeout`` of apply-config and its relatives (:func:`pytalos.cli.flags.duration_seconds`)."""
    return duration_seconds(text)


def read_config(path: str, patches: tuple[str, ...]) -> bytes:
    """The file's bytes, patched with ``patches`` when given (errors as Talos words them)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CLIError(
            f'failed to read configuration from "{path}": open {path}: {(exc.strerror or "").lower()}'
        ) from exc
    if not data:
        raise CLIError("no configuration data read")
    if not patches:
        return data
    from pytalos.cli.commands.machineconfig import read_patch_source
    from pytalos.machinery.config.errors import ConfigError
    from pytalos.machinery.config.patch import apply, load_patches

    try:
        loaded = load_patches(list(patches), read_patch_source)
        return apply(data, loaded, path).encode().encode()
    except ConfigError as exc:
        raise CLIError(str(exc)) from exc


@click.command("apply-config")
@click.argument("args", nargs=-1)
@click.option("-f", "--file", "filename", default="", help="the filename of the updated configuration")
@click.option(
    "-p",
    "--config-patch",
    "patches",
    multiple=True,
    help="the list of config patches to apply to the local config file before sending it to the node",
)
@click.option(
    "-m",
    "--mode",
    type=click.Choice(list(MODES)),
    default="auto",
    show_default=True,
    metavar="auto, no-reboot, staged, try",
    help="apply config mode",
)
@click.option("--dry-run", is_flag=True, help="check how the config change will be applied in dry-run mode")
@click.option(
    "--timeout",
    default="1m0s",
    show_default=True,
    help="the config will be rolled back after specified timeout (if try mode is selected)",
)
@insecure_options
@global_options
def cli(
    args: tuple[str, ...],
    filename: str,
    patches: tuple[str, ...],
    mode: str,
    dry_run: bool,
    timeout: str,
    insecure: bool,
    cert_fingerprints: tuple[str, ...],
    **flags: Any,
) -> None:
    """Apply a new configuration to a node."""
    called_as = click.get_current_context().info_name
    if args:
        if len(args) > 1 or (args[0] != "config" and args[0].lower() != "machineconfig"):
            raise CLIError(f"unknown positional argument {args[0]}")
        if called_as == "apply-config":
            raise CLIError("expected no positional arguments")
    if not filename:
        raise CLIError("no filename supplied for configuration")
    try_timeout = parse_duration(timeout)
    data = read_config(filename, patches)
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    duration = Duration()
    duration.FromNanoseconds(int(try_timeout * 1e9))
    request = machine_pb2.ApplyConfigurationRequest(
        data=data, mode=MODES[mode], dry_run=dry_run, try_mode_timeout=duration
    )

    async def apply(channel: Channel, metadata: dict[str, str]) -> machine_pb2.ApplyConfigurationResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.ApplyConfiguration(request, timeout=CALL_TIMEOUT, metadata=metadata)

    results = run(factory, fan_out(factory, apply))
    errors: list[str] = []
    for result in results:
        if result.error is not None:
            errors.append(f"error applying new configuration: {result.error}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            for warning in message.warnings:
                click.echo(f"WARNING: {warning}", err=True)
            if message.mode_details:
                click.echo(message.mode_details)
    raise_errors(errors)
