"""``talosctl get <type> [<id>]`` (alias ``g``): read resources from nodes (COSI ``State`` Get/List).

As ``cmd/talosctl/cmd/talos/get.go`` with ``helpers.ForEachResource``: the type name is resolved
against the first node's resource definitions (type, any case, or any alias: ``members``, ``mc``,
``rd``…); ``--namespace`` defaults to the definition's; then every node is asked (concurrently here,
printed in node order) for the one resource or the whole list, and the rows are written with
``-o table|yaml|json`` (:mod:`pytalos.cli.resource_output`). A node that fails adds
``<node>: rpc error: …`` and the command exits 1 after printing the others. Sensitive types
(``mc``, secrets) need an ``os:admin`` certificate. ``-o jsonpath={.spec.x}`` and ``-w/--watch``
(events as they happen, until interrupted) are in :mod:`._get_watch`.
"""

from __future__ import annotations

from typing import Any

import click
from grpclib.client import Channel

from pytalos.cli.cosi_client import (
    Definition,
    RemoteResource,
    definitions,
    get_resource,
    list_resources,
    resolve_kind,
)
from pytalos.cli.nodeclient import (
    ClientFactory,
    CLIError,
    GlobalArgs,
    NodeResult,
    call_node,
    fan_out,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

from ._get_watch import EventPrinter, watch_nodes, writer_for


async def _resolve(factory: ClientFactory, name: str) -> Definition:
    """The definition from the first node (a failure there fails the command, as in Talos)."""

    async def resolve(channel: Channel, metadata: dict[str, str]) -> Definition:
        return resolve_kind(await definitions(channel, metadata), name)

    first = await call_node(factory, factory.nodes[0], resolve)
    if first.error is not None:
        raise CLIError(first.error.message)
    assert first.payload is not None
    return first.payload


async def _collect(
    factory: ClientFactory, name: str, resource_id: str, namespace: str
) -> tuple[Definition, list[NodeResult[list[RemoteResource]]]]:
    definition = await _resolve(factory, name)
    ns = namespace or definition.default_namespace

    async def fetch(channel: Channel, metadata: dict[str, str]) -> list[RemoteResource]:
        if resource_id:
            return [await get_resource(channel, metadata, ns, definition.type, resource_id)]
        return await list_resources(channel, metadata, ns, definition.type)

    return definition, await fan_out(factory, fetch)


@click.command("get")
@click.argument("args", nargs=-1)
@click.option(
    "--namespace", default="", help="resource namespace (default is to use default namespace per resource)"
)
@click.option(
    "-o", "--output", default="table", show_default=True, help="output mode (json, table, yaml, jsonpath)"
)
@click.option("-w", "--watch", is_flag=True, help="watch resource changes")
@insecure_options
@global_options
def cli(
    args: tuple[str, ...],
    namespace: str,
    output: str,
    watch: bool,
    insecure: bool,
    cert_fingerprints: tuple[str, ...],
    **flags: Any,
) -> None:
    """Get a specific resource or list of resources ('talosctl get rd' lists the resource types).

    Similar to 'kubectl get', 'talosctl get' returns a set of resources from the OS.
    """
    if not 1 <= len(args) <= 2:
        raise CLIError(f"accepts between 1 and 2 arg(s), received {len(args)}")
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    if watch:
        _watch(factory, args[0], args[1] if len(args) == 2 else "", namespace, output)
        return
    writer = writer_for(output)
    definition, results = run(
        factory, _collect(factory, args[0], args[1] if len(args) == 2 else "", namespace)
    )
    writer.header(definition)
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(result.error)
            continue
        assert result.payload is not None
        for res in result.payload:
            writer.resource(result.node, res)
    writer.flush()
    raise_errors(errors)


def _watch(factory: ClientFactory, name: str, resource_id: str, namespace: str, output: str) -> None:
    async def main() -> list[object]:
        definition = await _resolve(factory, name)
        printer = EventPrinter(output, definition)
        printer.header()
        ns = namespace or definition.default_namespace
        return list(await watch_nodes(factory, ns, definition.type, resource_id, printer.event))

    raise_errors(run(factory, main()))
