"""Graphviz DOT text laid out the way Go's ``github.com/emicklei/dot`` writes it (talosctl's grapher).

``talosctl inspect dependencies`` builds its graph with that library, so its output format is the
library's: nodes are named ``n<seq>`` in creation order and carry a ``label``, attributes print sorted
by key with Go-quoted values, a graph lists its sub-graphs (sorted by label), its attributes, its nodes
(sorted by id) and its edges (grouped by source id, sorted; insertion order within a source), each on
its own TAB-indented line, with the blank indented lines the library leaves. ``Graph.node`` returns
the existing node of that id (searching parent graphs) or creates one; a cluster sub-graph is named
``cluster_s<seq>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pytalos.machinery.config.types.common.gofmt import go_quote


@dataclass
class Node:
    id: str
    seq: int
    graph: Graph
    attrs: dict[str, str] = field(default_factory=dict)

    def attr(self, key: str, value: str) -> Node:
        self.attrs[key] = value
        return self

    def box(self) -> Node:
        return self.attr("shape", "box")


@dataclass
class Edge:
    source: Node
    target: Node
    attrs: dict[str, str] = field(default_factory=dict)

    def attr(self, key: str, value: str) -> Edge:
        self.attrs[key] = value
        return self

    def solid(self) -> Edge:
        return self.attr("style", "solid")

    def bold(self) -> Edge:
        return self.attr("style", "bold")

    def dotted(self) -> Edge:
        return self.attr("style", "dotted")


class Graph:
    """A directed graph (or a ``subgraph`` of one)."""

    def __init__(self, kind: str = "digraph", id: str = "", parent: Graph | None = None) -> None:
        self.kind, self.id, self.parent = kind, id, parent
        self.attrs: dict[str, str] = {}
        self.nodes: dict[str, Node] = {}
        self.edges_from: dict[str, list[Edge]] = {}
        self.subgraphs: dict[str, Graph] = {}
        self._seq = 0

    def root(self) -> Graph:
        return self if self.parent is None else self.parent.root()

    def _next_seq(self) -> int:
        root = self.root()
        root._seq += 1
        return root._seq

    def _find(self, id: str) -> Node | None:
        found = self.nodes.get(id)
        if found is None and self.parent is not None:
            return self.parent._find(id)
        return found

    def node(self, id: str) -> Node:
        found = self._find(id)
        if found is None:
            found = Node(id, self._next_seq(), self, {"label": id})
            self.nodes[id] = found
        return found

    def subgraph(self, label: str, cluster: bool = False) -> Graph:
        found = self.subgraphs.get(label)
        if found is None:
            found = Graph("subgraph", f"s{self._next_seq()}", self)
            found.attrs["label"] = label
            if cluster:
                found.id = "cluster_" + found.id
            self.subgraphs[label] = found
        return found

    def edge(self, source: Node, target: Node, *labels: str) -> Edge:
        owner = self if source.graph is target.graph else source.graph.root()
        made = Edge(source, target)
        if labels:
            made.attr("label", ",".join(labels))
        owner.edges_from.setdefault(source.id, []).append(made)
        return made

    def write(self) -> str:
        out = _Writer()
        self._write(out)
        return "".join(out.parts)

    def _write(self, w: _Writer) -> None:
        w.put(f"{self.kind} {self.id} {{")
        w.newline()
        w.indent()
        for label in sorted(self.subgraphs):
            self.subgraphs[label]._write(w)
        w.put(_attrs(self.attrs, bracket=False))
        w.newline()
        for id in sorted(self.nodes):
            node = self.nodes[id]
            w.put(f"n{node.seq}{_attrs(node.attrs, bracket=True)};")
            w.newline()
        for id in sorted(self.edges_from):
            for e in self.edges_from[id]:
                w.put(f"n{e.source.seq}->n{e.target.seq}{_attrs(e.attrs, bracket=True)};")
                w.newline()
        w.level -= 1
        w.newline()
        w.put("}")
        w.newline()


class _Writer:
    """emicklei/dot's ``IndentWriter``: a new line repeats the current number of TABs."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.level = 0

    def put(self, text: str) -> None:
        self.parts.append(text)

    def indent(self) -> None:
        self.level += 1
        self.parts.append("\t")

    def newline(self) -> None:
        self.parts.append("\n" + "\t" * self.level)


def _attrs(attrs: dict[str, str], bracket: bool) -> str:
    if not attrs:
        return ""
    body = ("," if bracket else ";").join(f"{k}={go_quote(attrs[k])}" for k in sorted(attrs))
    return f"[{body}]" if bracket else f"{body};"
