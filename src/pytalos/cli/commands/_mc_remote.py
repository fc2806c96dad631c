"""What ``talosctl edit`` and ``talosctl patch`` share: a node's machine config, changed and applied.

Both follow ``cmd/talosctl/cmd/talos/{edit,patch}.go``: the resource argument is resolved against the
node's resource definitions and must be the machine config (``machineconfig``, ``mc``, …; id
``v1alpha1`` unless given); for each node its config is read with COSI ``Get`` (``os:admin`` only,
it is sensitive), changed locally, and sent back with ``ApplyConfiguration`` with ``-m/--mode``,
``--dry-run`` and ``--timeout`` (try mode). An unchanged config prints ``Apply was skipped: no changes
detected.``; otherwise the node's warnings go to stderr and its mode details to stdout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from google.protobuf.duration_pb2 import Duration
from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.cosi_client import definitions, get_resource, resolve_kind
from pytalos.cli.nodeclient import CALL_TIMEOUT, ClientFactory, CLIError, call_node

from .apply_config import MODES, parse_duration

MACHINE_CONFIG_TYPE = "MachineConfigs.config.talos.dev"
DEFAULT_ID = "v1alpha1"
SKIPPED = "Apply was skipped: no changes detected."


def mode_options(func: Any) -> Any:
    """``-m/--mode``, ``--dry-run``, ``--timeout`` and ``--namespace`` as Talos's edit and patch have them."""
    for decorator in (
        click.option(
            "--namespace",
            default="",
            help="resource namespace (default is to use default namespace per resource)",
        ),
        click.option(
            "--timeout",
            default="1m0s",
            show_default=True,
            help="the config will be rolled back after specified timeout (if try mode is selected)",
        ),
        click.option(
            "--dry-run", is_flag=True, help="do not apply the change, print the change summary instead"
        ),
        click.option(
            "-m",
            "--mode",
            type=click.Choice([m for m in MODES if m != "reboot"]),
            default="auto",
            show_default=True,
            metavar="auto, no-reboot, staged, try",
            help="apply config mode",
        ),
    ):
        func = decorator(func)
    return func


def apply_request(
    data: bytes, mode: str, dry_run: bool, timeout: str
) -> machine_pb2.ApplyConfigurationRequest:
    duration = Duration()
    duration.FromNanoseconds(int(parse_duration(timeout) * 1e9))
    return machine_pb2.ApplyConfigurationRequest(
        data=data, mode=MODES[mode], dry_run=dry_run, try_mode_timeout=duration
    )


async def read_machine_config(
    factory: ClientFactory, node: str, kind: str, resource_id: str, namespace: str
) -> tuple[str, str]:
    """(the node's config text, ``Type/id``) -- errors as ``CLIError`` naming the node."""

    async def fetch(channel: Channel, metadata: dict[str, str]) -> tuple[str, str]:
        definition = resolve_kind(await definitions(channel, metadata), kind)
        if definition.type != MACHINE_CONFIG_TYPE:
            raise CLIError(
                f'resource "{kind}" cannot be changed: only the machine config can (machineconfig)'
            )
        res = await get_resource(
            channel, metadata, namespace or definition.default_namespace, definition.type, resource_id
        )
        if not isinstance(res.spec, str):
            raise CLIError(f"{node}: {res.type}/{res.id} has no config text")
        return res.spec, f"{res.type}/{res.id}"

    result = await call_node(factory, node, fetch)
    if result.error is not None:
        raise CLIError(str(result.error))
    assert result.payload is not None
    return result.payload


async def apply_to_node(
    factory: ClientFactory, node: str, request: machine_pb2.ApplyConfigurationRequest
) -> machine_pb2.ApplyConfigurationResponse:
    async def apply(channel: Channel, metadata: dict[str, str]) -> machine_pb2.ApplyConfigurationResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.ApplyConfiguration(request, timeout=CALL_TIMEOUT, metadata=metadata)

    result = await call_node(factory, node, apply)
    if result.error is not None:
        raise CLIError(f"error applying new configuration: {result.error}")
    assert result.payload is not None
    return result.payload


def print_apply_results(response: machine_pb2.ApplyConfigurationResponse) -> None:
    """Talos's ``helpers.PrintApplyResults``."""
    for message in response.messages:
        for warning in message.warnings:
            click.echo(f"WARNING: {warning}", err=True)
        if message.mode_details:
            click.echo(message.mode_details)


async def change_on_nodes(
    factory: ClientFactory,
    kind: str,
    resource_id: str,
    namespace: str,
    change: Callable[[str, str, str], bytes | None],
    request: Callable[[bytes], machine_pb2.ApplyConfigurationRequest],
    done: str,
) -> None:
    """For each node: read, ``change(node, text, what)`` (``None``: unchanged), apply, report."""
    for node in factory.nodes:
        text, what = await read_machine_config(factory, node, kind, resource_id, namespace)
        changed = change(node, text, what)
        if changed is None or changed.strip() == text.encode().strip():
            click.echo(SKIPPED)
            continue
        response = await apply_to_node(factory, node, request(changed))
        if done:
            click.echo(f"{done} {what} at the node {node}")
        print_apply_results(response)
