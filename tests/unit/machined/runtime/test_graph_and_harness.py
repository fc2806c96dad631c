"""Dependency graph as DOT (talosctl inspect dependencies) and the harness's failure messages."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import pytest

from pytalos.machined.runtime import (
    ControllerRuntime,
    DependencyEdge,
    EdgeType,
    Input,
    InputKind,
    Output,
    OutputKind,
    Reconciler,
    Resource,
    ResourceRegistry,
    Runtime,
    State,
    define,
    to_dot,
)
from pytalos.machined.runtime.testing import ControllerHarness, run

pytestmark = pytest.mark.unit


class Declared(Reconciler):
    def __init__(self, name: str, inputs: Sequence[Input], outputs: Sequence[Output]) -> None:
        self.name = name
        self._inputs = inputs
        self._outputs = outputs

    def inputs(self) -> Sequence[Input]:
        return self._inputs

    def outputs(self) -> Sequence[Output]:
        return self._outputs

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        return None


def _runtime() -> ControllerRuntime:
    rt = ControllerRuntime(State())
    rt.register(
        Declared(
            "config.MachineTypeController",
            [Input("config", "MachineConfigs.config.talos.dev", id="v1alpha1")],
            [Output("MachineTypes.config.talos.dev")],
        )
    )
    rt.register(
        Declared(
            "k8s.NodenameController",
            [
                Input("config", "MachineTypes.config.talos.dev", kind=InputKind.WEAK),
                Input("network", "HostnameStatuses.net.talos.dev", kind=InputKind.DESTROY_READY),
            ],
            [Output("Nodenames.kubernetes.talos.dev", OutputKind.SHARED)],
        )
    )
    return rt


def test_dependency_edges() -> None:
    edges = _runtime().dependencies()
    assert edges[0] == DependencyEdge(
        "config.MachineTypeController",
        EdgeType.INPUT_STRONG,
        "config",
        "MachineConfigs.config.talos.dev",
        "v1alpha1",
    )
    assert [e.type for e in edges] == [
        EdgeType.INPUT_STRONG,
        EdgeType.OUTPUT_EXCLUSIVE,
        EdgeType.INPUT_WEAK,
        EdgeType.INPUT_DESTROY_READY,
        EdgeType.OUTPUT_SHARED,
    ]


def test_dot_output() -> None:
    assert to_dot(_runtime().dependencies()) == (
        "digraph {\n"
        '\t"config.MachineTypeController" [shape=box];\n'
        '\t"k8s.NodenameController" [shape=box];\n'
        '\t"HostnameStatuses.net.talos.dev" [shape=note, fillcolor=azure2, style=filled];\n'
        '\t"MachineConfigs.config.talos.dev" [shape=note, fillcolor=azure2, style=filled];\n'
        '\t"MachineTypes.config.talos.dev" [shape=note, fillcolor=azure2, style=filled];\n'
        '\t"Nodenames.kubernetes.talos.dev" [shape=note, fillcolor=azure2, style=filled];\n'
        '\t"MachineConfigs.config.talos.dev" -> "config.MachineTypeController"'
        ' [style=solid, label="v1alpha1"];\n'
        '\t"MachineTypes.config.talos.dev" -> "k8s.NodenameController" [style=dotted];\n'
        '\t"config.MachineTypeController" -> "MachineTypes.config.talos.dev" [style=bold];\n'
        '\t"k8s.NodenameController" -> "Nodenames.kubernetes.talos.dev" [style=solid];\n'
        "}\n"
    )


def test_dot_quotes_names() -> None:
    dot = to_dot([DependencyEdge('we"ird', EdgeType.OUTPUT_SHARED, "", "T.x.dev")])
    assert '"we\\"ird" -> "T.x.dev"' in dot


class Broken(Reconciler):
    name = "test.BrokenController"

    def outputs(self) -> Sequence[Output]:
        return [Output("Outputs.test.talos.dev")]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        await rt.modify(Resource.new("test", "Outputs.test.talos.dev", "o", {"v": 1}), lambda r: None)
        raise ValueError("cannot compute v=2")


def test_assert_resource_failure_names_resource_state_and_controller_errors() -> None:
    registry = ResourceRegistry([define("Outputs.test.talos.dev", "test")])

    async def body() -> None:
        async with ControllerHarness(Broken(), registry=registry) as h:

            def is_two(r: Resource[dict[str, int]]) -> None:
                assert r.spec["v"] == 2, f"v is {r.spec['v']}"

            with pytest.raises(AssertionError) as info:
                await h.assert_resource("Outputs.test.talos.dev", "o", is_two, timeout=0.2)
            text = str(info.value)
            assert text.startswith(
                "resource test/Outputs.test.talos.dev/o did not converge within 0.2s: predicate"
            )
            assert "v is 1" in text
            assert "last state: version 1, owner 'test.BrokenController', phase running" in text
            assert "spec {'v': 1}" in text
            assert "test.BrokenController: " in text and "ValueError: cannot compute v=2" in text

            with pytest.raises(
                AssertionError,
                match=re.escape("did not converge within 0.05s: it does not exist\nlast state: absent"),
            ):
                await h.assert_resource("Outputs.test.talos.dev", "missing", timeout=0.05)
            with pytest.raises(
                AssertionError, match=re.escape("test/Outputs.test.talos.dev/o still exists after 0.05s")
            ):
                await h.assert_no_resource("Outputs.test.talos.dev", "o", timeout=0.05)
            assert (
                await h.assert_resource("Outputs.test.talos.dev", "o", lambda r: r.spec["v"] == 1)
            ).spec == {"v": 1}

    run(body())
