"""``talosctl inspect dependencies [--with-resources]``: the controller/resource graph as Graphviz DOT.

As ``cmd/talosctl/cmd/talos/inspect.go``: exactly one node; the edges of its
``InspectService.ControllerRuntimeDependencies`` become a graph drawn with emicklei/dot's layout
(:mod:`pytalos.cli.dot`). Controllers are boxes and resource types notes; an output edge is bold
(exclusive) or solid (shared), an input edge solid (strong) or dotted (weak), labelled with the
resource id an input names; destroy-ready inputs are not drawn. ``--with-resources`` lists the live
resources of every type on the node (COSI ``List``) and draws one cluster per type with a node per
resource; an output edge goes only to resources the controller owns. (Talos iterates a Go map there,
so its sequence numbers vary from run to run; here the types go in sorted order.) Pipe the output
through ``dot -Tpng`` to render it.
"""

from __future__ import annotations

from typing import Any

import click
from google.protobuf import empty_pb2
from grpclib.client import Channel

from pytalos.api.gen.inspect import inspect_grpc, inspect_pb2
from pytalos.cli.cosi_client import RemoteResource, definitions, list_resources
from pytalos.cli.dot import Graph, Node
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    CLIError,
    GlobalArgs,
    call_node,
    global_options,
    run,
)

Edge = inspect_pb2.ControllerDependencyEdge
_OUTPUTS = (inspect_pb2.OUTPUT_EXCLUSIVE, inspect_pb2.OUTPUT_SHARED)


def _note(node: Node) -> None:
    node.attr("shape", "note").attr("fillcolor", "azure2").attr("style", "filled")


def dependencies_dot(edges: list[Edge]) -> str:
    """The graph without resources: controllers, resource types, labelled edges."""
    graph = Graph()
    for e in edges:
        graph.node(e.controller_name).box()
        _note(graph.node(e.resource_type))
    for e in edges:
        labels = [e.resource_id] if e.resource_id else []
        controller, rtype = graph.node(e.controller_name), graph.node(e.resource_type)
        if e.edge_type == inspect_pb2.OUTPUT_EXCLUSIVE:
            graph.edge(controller, rtype).bold()
        elif e.edge_type == inspect_pb2.OUTPUT_SHARED:
            graph.edge(controller, rtype).solid()
        elif e.edge_type == inspect_pb2.INPUT_STRONG:
            graph.edge(rtype, controller, *labels).solid()
        elif e.edge_type == inspect_pb2.INPUT_WEAK:
            graph.edge(rtype, controller, *labels).dotted()
    return graph.write()


def _resource_id(res: RemoteResource) -> str:
    return f"{res.namespace}/{res.type}/{res.id}"


def dependencies_with_resources_dot(edges: list[Edge], resources: dict[str, list[RemoteResource]]) -> str:
    """The graph with one cluster of live resources per type."""
    graph = Graph()
    for e in edges:
        graph.node(e.controller_name).box()
    for rtype in sorted(resources):
        cluster = graph.subgraph(rtype, cluster=True)
        for res in resources[rtype]:
            _note(cluster.node(_resource_id(res)))
    for e in edges:
        for res in resources.get(e.resource_type, []):
            if e.resource_id and res.id != e.resource_id:
                continue
            if e.edge_type in _OUTPUTS and e.controller_name != res.owner:
                continue
            controller = graph.node(e.controller_name)
            node = graph.subgraph(e.resource_type).node(_resource_id(res))
            if e.edge_type in _OUTPUTS:
                graph.edge(controller, node).solid()
            elif e.edge_type == inspect_pb2.INPUT_STRONG:
                graph.edge(node, controller).solid()
            elif e.edge_type == inspect_pb2.INPUT_WEAK:
                graph.edge(node, controller).dotted()
    return graph.write()


async def _dependencies(channel: Channel, metadata: dict[str, str]) -> list[Edge]:
    stub = inspect_grpc.InspectServiceStub(channel)
    reply = await stub.ControllerRuntimeDependencies(
        empty_pb2.Empty(), timeout=CALL_TIMEOUT, metadata=metadata
    )
    return [e for m in reply.messages for e in m.edges]


async def _live_resources(
    channel: Channel, metadata: dict[str, str], edges: list[Edge]
) -> dict[str, list[RemoteResource]]:
    """Every edge type's resources; an output edge has no namespace, so the type's default is used."""
    defaults = {d.type: d.default_namespace for d in await definitions(channel, metadata)}
    namespaces: dict[str, str] = {}
    for e in edges:
        if e.resource_type not in namespaces or (e.resource_namespace and not namespaces[e.resource_type]):
            namespaces[e.resource_type] = e.resource_namespace or defaults.get(e.resource_type, "")
    return {t: await list_resources(channel, metadata, ns, t) for t, ns in namespaces.items()}


@click.group("inspect")
def cli() -> None:
    """Inspect internals of Talos."""


@cli.command("dependencies")
@click.option("--with-resources", is_flag=True, help="display live resource information with dependencies")
@global_options
def dependencies(with_resources: bool, **flags: Any) -> None:
    """Inspect controller-resource dependencies as graphviz graph.

    Pipe the output of the command through the "dot" program (part of graphviz package)
    to render the graph:

      talosctl inspect dependencies | dot -Tpng > graph.png
    """
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    node = factory.require_single_node("inspect dependencies")

    async def fetch(channel: Channel, metadata: dict[str, str]) -> str:
        edges = await _dependencies(channel, metadata)
        if with_resources:
            return dependencies_with_resources_dot(edges, await _live_resources(channel, metadata, edges))
        return dependencies_dot(edges)

    result = run(factory, call_node(factory, node, fetch))
    if result.error is not None:
        raise CLIError(f"error getting controller runtime dependencies: {result.error.message}")
    assert result.payload is not None
    click.echo(result.payload, nl=False)
