"""Controller/resource dependency graph, rendered as Graphviz DOT like ``talosctl inspect dependencies``.

Controllers are boxes, resource types are notes; an input draws an edge type → controller (solid
for strong, dotted for weak, labelled with the resource ID when the input names one), an output
draws controller → type (bold when exclusive). Destroy-ready inputs are left out, as Talos does,
to keep the picture readable.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from .controller import Input, InputKind, Output, OutputKind


class EdgeType(enum.Enum):
    OUTPUT_EXCLUSIVE = "output-exclusive"
    OUTPUT_SHARED = "output-shared"
    INPUT_STRONG = "input-strong"
    INPUT_WEAK = "input-weak"
    INPUT_DESTROY_READY = "input-destroy-ready"


@dataclass(frozen=True)
class DependencyEdge:
    """One edge of the ``ControllerRuntimeDependencies`` answer."""

    controller: str
    type: EdgeType
    resource_namespace: str
    resource_type: str
    resource_id: str = ""


_INPUT = {
    InputKind.STRONG: EdgeType.INPUT_STRONG,
    InputKind.WEAK: EdgeType.INPUT_WEAK,
    InputKind.DESTROY_READY: EdgeType.INPUT_DESTROY_READY,
}


def dependency_edges(
    controllers: Iterable[tuple[str, Iterable[Input], Iterable[Output]]],
) -> list[DependencyEdge]:
    """Edges of every controller: its inputs first, then its outputs (declaration order)."""
    edges: list[DependencyEdge] = []
    for name, inputs, outputs in controllers:
        for i in inputs:
            edges.append(DependencyEdge(name, _INPUT[i.kind], i.namespace, i.type, i.id or ""))
        for o in outputs:
            kind = EdgeType.OUTPUT_EXCLUSIVE if o.kind is OutputKind.EXCLUSIVE else EdgeType.OUTPUT_SHARED
            edges.append(DependencyEdge(name, kind, "", o.type))
    return edges


def to_dot(edges: Iterable[DependencyEdge]) -> str:
    """A directed DOT graph of ``edges`` (deterministic: nodes and edges sorted)."""
    edges = list(edges)
    controllers = sorted({e.controller for e in edges})
    types = sorted({e.resource_type for e in edges})
    lines = ["digraph {"]
    lines += [f"\t{_q(c)} [shape=box];" for c in controllers]
    lines += [f"\t{_q(t)} [shape=note, fillcolor=azure2, style=filled];" for t in types]
    out: list[str] = []
    for e in edges:
        label = f", label={_q(e.resource_id)}" if e.resource_id else ""
        match e.type:
            case EdgeType.OUTPUT_EXCLUSIVE:
                out.append(f"\t{_q(e.controller)} -> {_q(e.resource_type)} [style=bold];")
            case EdgeType.OUTPUT_SHARED:
                out.append(f"\t{_q(e.controller)} -> {_q(e.resource_type)} [style=solid];")
            case EdgeType.INPUT_STRONG:
                out.append(f"\t{_q(e.resource_type)} -> {_q(e.controller)} [style=solid{label}];")
            case EdgeType.INPUT_WEAK:
                out.append(f"\t{_q(e.resource_type)} -> {_q(e.controller)} [style=dotted{label}];")
            case EdgeType.INPUT_DESTROY_READY:
                pass  # not drawn, as in talosctl
    lines += sorted(set(out))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
