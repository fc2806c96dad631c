"""talosctl get / inspect dependencies against real node servers: COSI State and InspectService."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.client import mtls_channel
from pytalos.api.gen.v1alpha1 import resource_pb2, state_grpc, state_pb2
from pytalos.cli.cosi_client import Definition, resolve_kind
from pytalos.cli.dot import Graph
from pytalos.cli.resource_output import jsonpath_value
from pytalos.machinery.secrets.ca import new_admin_certificate

from ._served import ServedNode, Servers, servers, talosctl

__all__ = ["servers"]


@pytest.fixture(scope="module")
def node(servers: Servers) -> ServedNode:
    return servers.start_node("cp-1")


@pytest.fixture(scope="module")
def admin(servers: Servers, node: ServedNode, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ...]:
    path = servers.talosconfig(tmp_path_factory.mktemp("admin") / "talosconfig", [node.address])
    return ("--talosconfig", str(path))


def test_get_members_table_with_print_columns(node: ServedNode, admin: tuple[str, ...]) -> None:
    result = talosctl("get", "members", *admin)
    assert result.exit_code == 0, result.stderr
    pad = " " * (len(node.address) - len("NODE") + 3)
    assert result.stdout == (
        f"NODE{pad}NAMESPACE   TYPE     ID     VERSION   HOSTNAME   MACHINE TYPE   OS        ADDRESSES\n"
        f"{node.address}   cluster     Member   cp-1   1         cp-1       controlplane   pytalos   "
        '["10.5.0.2"]\n'
    )
    by_alias = talosctl("get", "Member", "cp-1", *admin)
    assert by_alias.stdout == result.stdout


def test_get_yaml_and_json_like_talos(node: ServedNode, admin: tuple[str, ...]) -> None:
    result = talosctl("get", "members.cluster", "-o", "yaml", *admin)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"node: {node.address}\n"
        "metadata:\n"
        "    namespace: cluster\n"
        "    type: Members.cluster.talos.dev\n"
        "    id: cp-1\n"
        "    version: 1\n"
        "    owner: cluster.MemberController\n"
        "    phase: running\n"
        "    created: 2023-11-14T22:13:20Z\n"
        "    updated: 2023-11-14T22:13:20Z\n"
        "spec:\n"
        "    nodeId: abc123\n"
        "    addresses:\n"
        "        - 10.5.0.2\n"
        "    hostname: cp-1\n"
        "    machineType: controlplane\n"
        "    operatingSystem: pytalos\n"
    )
    as_json = talosctl("get", "members", "-o", "json", *admin)
    data = json.loads(as_json.stdout)
    assert list(data) == ["metadata", "node", "spec"]  # Go's encoding/json sorts map keys
    assert data["metadata"]["version"] == 1 and data["node"] == node.address
    assert as_json.stdout.startswith('{\n    "metadata": {\n        "created": "2023-11-14T22:13:20Z",')


def test_get_machine_config_needs_admin(
    servers: Servers, node: ServedNode, admin: tuple[str, ...], tmp_path: Path
) -> None:
    mc = talosctl("get", "mc", "v1alpha1", "-o", "yaml", *admin)
    assert mc.exit_code == 0, mc.stderr
    assert "\nspec: |\n    version: v1alpha1\n" in mc.stdout and "owner:\n" in mc.stdout
    reader = servers.talosconfig(tmp_path / "reader", [node.address], roles=["os:reader"])
    denied = talosctl("get", "machineconfigs", "--talosconfig", str(reader))
    assert denied.exit_code == 1 and denied.stdout.startswith("NODE ")
    assert (
        denied.stderr == f"error: {node.address}: rpc error: code = PermissionDenied desc = not authorized\n"
    )
    allowed = talosctl("get", "members", "--talosconfig", str(reader))
    assert allowed.exit_code == 0 and "cp-1" in allowed.stdout


def test_get_errors_like_talos(node: ServedNode, admin: tuple[str, ...]) -> None:
    unknown = talosctl("get", "bananas", *admin)
    assert unknown.stderr == 'error: rpc error: code = NotFound desc = resource "bananas" is not registered\n'
    missing = talosctl("get", "members", "nope", *admin)
    assert missing.stderr == (
        f"error: {node.address}: rpc error: code = NotFound "
        "desc = resource Members.cluster.talos.dev(cluster/nope@undefined) doesn't exist\n"
    )
    namespace = talosctl("get", "members", "--namespace", "nowhere", *admin)
    assert namespace.stderr == (
        f"error: {node.address}: rpc error: code = PermissionDenied "
        'desc = namespace "nowhere" is not supported\n'
    )
    assert talosctl("get", *admin).stderr == "error: accepts between 1 and 2 arg(s), received 0\n"
    assert (
        talosctl("get", "rd", "-o", "xml", *admin).stderr == 'error: output format "xml" is not supported\n'
    )


def test_get_resource_definitions_and_namespaces(admin: tuple[str, ...]) -> None:
    rd = talosctl("get", "rd", "members.cluster.talos.dev", "-o", "yaml", *admin)
    assert rd.exit_code == 0, rd.stderr
    assert "    displayType: Member\n    defaultNamespace: cluster\n" in rd.stdout
    assert "    printColumns:\n        - name: Hostname\n          jsonPath: '{.hostname}'\n" in rd.stdout
    namespaces = talosctl("get", "namespaces", *admin)
    assert [line.split()[3] for line in namespaces.stdout.splitlines()[1:]] == sorted(
        line.split()[3] for line in namespaces.stdout.splitlines()[1:]
    )
    assert " cluster " in namespaces.stdout and " meta " in namespaces.stdout


def test_cosi_writes_are_refused(servers: Servers, node: ServedNode) -> None:
    admin = new_admin_certificate(servers.ca)
    host, port = node.address.split(":")

    async def scenario() -> list[tuple[Status, str | None]]:
        out = []
        async with mtls_channel(host, servers.ca.crt, admin, int(port)) as channel:
            stub = state_grpc.StateStub(channel)
            for call in (
                lambda: stub.Create(state_pb2.CreateRequest(resource=resource_pb2.Resource()), timeout=10),
                lambda: stub.Destroy(state_pb2.DestroyRequest(namespace="cluster"), timeout=10),
                lambda: stub.Get(
                    state_pb2.GetRequest(namespace="cluster", type="Bogus.x.dev", id="a"), timeout=10
                ),
                lambda: stub.Watch(state_pb2.WatchRequest(namespace="cluster"), timeout=10),
            ):
                try:
                    await call()
                except GRPCError as err:
                    out.append((err.status, err.message))
        return out

    out = asyncio.run(scenario())
    assert out[:3] == [
        (Status.PERMISSION_DENIED, "write access is not allowed"),
        (Status.PERMISSION_DENIED, "write access is not allowed"),
        (Status.PERMISSION_DENIED, 'resource type "Bogus.x.dev" is not supported'),
    ]
    assert out[3] == (Status.PERMISSION_DENIED, 'resource type "" is not supported')  # Watch: Get's rules


EXPECTED_DOT = """digraph  {
\t
\tn2[fillcolor="azure2",label="Affiliates.cluster.talos.dev",shape="note",style="filled"];
\tn6[fillcolor="azure2",label="MachineConfigs.config.talos.dev",shape="note",style="filled"];
\tn3[fillcolor="azure2",label="MachineTypes.config.talos.dev",shape="note",style="filled"];
\tn4[fillcolor="azure2",label="Members.cluster.talos.dev",shape="note",style="filled"];
\tn1[label="cluster.MemberController",shape="box"];
\tn5[label="config.MachineTypeController",shape="box"];
\tn2->n1[style="solid"];
\tn6->n5[label="v1alpha1",style="solid"];
\tn3->n1[label="machine-type",style="dotted"];
\tn1->n4[style="bold"];
\tn5->n3[style="solid"];
\t
}
"""


def test_inspect_dependencies_dot_like_talos(admin: tuple[str, ...]) -> None:
    result = talosctl("inspect", "dependencies", *admin)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXPECTED_DOT


def test_inspect_dependencies_with_resources(admin: tuple[str, ...]) -> None:
    result = talosctl("inspect", "dependencies", "--with-resources", *admin)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "\tsubgraph cluster_s3 {" and lines[2] == '\t\tlabel="Affiliates.cluster.talos.dev";'
    members = next(i for i, line in enumerate(lines) if 'label="Members.cluster.talos.dev"' in line)
    assert lines[members + 1] == (
        '\t\tn9[fillcolor="azure2",label="cluster/Members.cluster.talos.dev/cp-1",shape="note",style="filled"];'
    )
    # the controller owns the member: output edge to it; the weak machine-type input is dotted
    assert '\tn1->n9[style="solid"];' in lines and '\tn7->n1[style="dotted"];' in lines


def test_inspect_needs_exactly_one_node(admin: tuple[str, ...]) -> None:
    result = talosctl("inspect", "dependencies", "-n", "a,b", *admin)
    assert result.stderr == 'error: command "inspect dependencies" requires exactly one node (got 2)\n'


def test_dot_writer_reuses_nodes_across_subgraphs_and_quotes_like_go() -> None:
    graph = Graph()
    a = graph.node('say "hi"').box()
    sub = graph.subgraph("T", cluster=True)
    b = sub.node("b")
    assert graph.subgraph("T").node("b") is b and graph.node('say "hi"') is a
    graph.edge(a, b, "x", "y").dotted()
    assert graph.write() == (
        "digraph  {\n"
        "\tsubgraph cluster_s2 {\n"
        '\t\tlabel="T";\n'
        '\t\tn3[label="b"];\n'
        "\t\t\n"
        "\t}\n"
        "\t\n"
        '\tn1[label="say \\"hi\\"",shape="box"];\n'
        '\tn1->n3[label="x,y",style="dotted"];\n'
        "\t\n"
        "}\n"
    )


def test_resolve_kind_and_jsonpath() -> None:
    defs = [
        Definition("a.x.dev", "A.x.dev", "A", "x", ("as", "shared"), ()),
        Definition("b.x.dev", "B.x.dev", "B", "x", ("bs", "shared"), ()),
    ]
    assert resolve_kind(defs, "AS").type == "A.x.dev" and resolve_kind(defs, "b.x.DEV").type == "B.x.dev"
    with pytest.raises(GRPCError) as err:
        resolve_kind(defs, "shared")
    assert err.value.message == 'resource type "shared" is ambiguous: [a.x.dev b.x.dev]'
    spec = {"a": {"b": [1, "x<"]}, "n": 3, "t": True}
    assert jsonpath_value("{.a.b}", spec) == '[1,"x\\u003c"]'
    assert (jsonpath_value("{.n}", spec), jsonpath_value("{.t}", spec), jsonpath_value("{.zz}", spec)) == (
        "3",
        "true",
        "",
    )
    assert jsonpath_value("{@}", "controlplane") == "controlplane"
