"""Node discovery, ClusterInfo roles, and the gRPC access's pure parts (errors, endpoints, talosconfig)."""

from __future__ import annotations

import asyncio

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.cluster.check import ClusterInfo, discover, talosconfig_access
from pytalos.cluster.check.access import AccessError, EtcdMember, ResourceData
from pytalos.cluster.check.fake import FakeNodeAccess
from pytalos.cluster.check.grpc_access import access_error, split_endpoint
from pytalos.machinery.client.config import Config, Context

pytestmark = pytest.mark.unit

MEMBERS = ("", "cluster", "Members.cluster.talos.dev")


def test_cluster_info_roles() -> None:
    info = ClusterInfo(("10.0.0.2", "10.0.0.3"), ("10.0.0.4",), init_node="10.0.0.1")
    assert info.control_plane_nodes == ("10.0.0.1", "10.0.0.2", "10.0.0.3")
    assert info.nodes == ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")
    assert [info.machine_type(n) for n in info.nodes] == ["init", "controlplane", "controlplane", "worker"]
    assert info.describe() == '["10.0.0.1" "10.0.0.2" "10.0.0.3" "10.0.0.4"]'


def test_discover_from_members_and_etcd_peers() -> None:
    fake = FakeNodeAccess()
    fake.resources[MEMBERS] = [
        ResourceData("cp-1", {"addresses": ["fd00::2", "10.0.0.2"], "machineType": "controlplane"}),
        ResourceData("w-1", {"addresses": ["10.0.0.4"], "machineType": "worker"}),
    ]
    fake.etcd[""] = [
        EtcdMember(1, "cp-1", ("https://10.0.0.2:2380",)),
        EtcdMember(2, "cp-2", ("https://10.0.0.3:2380",)),
    ]
    info = asyncio.run(discover(fake))
    assert info == ClusterInfo(("10.0.0.2", "10.0.0.3"), ("10.0.0.4",))


def test_discover_from_a_worker_and_nothing_found() -> None:
    fake = FakeNodeAccess()
    fake.resources[MEMBERS] = [ResourceData("w-1", {"addresses": ["10.0.0.4"], "machineType": "worker"})]
    fake.errors[("", "etcd_members")] = AccessError(
        "rpc error: code = Unimplemented desc = no etcd", "Unimplemented"
    )
    assert asyncio.run(discover(fake)) == ClusterInfo((), ("10.0.0.4",))
    fake.resources.clear()
    with pytest.raises(ValueError, match=r"discovering nodes found none \(etcd member list: rpc error"):
        asyncio.run(discover(fake))


def test_access_error_texts() -> None:
    err = access_error(GRPCError(Status.PERMISSION_DENIED, "not authorized"), "1.2.3.4:50000")
    assert (str(err), err.code) == (
        "rpc error: code = PermissionDenied desc = not authorized",
        "PermissionDenied",
    )
    refused = access_error(ConnectionRefusedError(111, "Connection refused"), "1.2.3.4:50000")
    assert str(refused) == (
        "rpc error: code = Unavailable desc = connection error: desc = "
        '"transport: Error while dialing: dial tcp 1.2.3.4:50000: connect: connection refused"'
    )
    assert access_error(TimeoutError(), "x").code == "DeadlineExceeded"


def test_split_endpoint() -> None:
    assert split_endpoint("10.0.0.2") == ("10.0.0.2", 50000)
    assert split_endpoint("10.0.0.2:50123") == ("10.0.0.2", 50123)
    assert split_endpoint("[fd00::2]:5") == ("fd00::2", 5)
    assert split_endpoint("fd00::2") == ("fd00::2", 50000)


def test_talosconfig_access_errors_name_the_context() -> None:
    config = Config(context="c1", contexts={"c1": Context(endpoints=[], ca="", crt="", key="")})
    with pytest.raises(ValueError, match='context "c1" has no endpoints'):
        talosconfig_access(config)
    with pytest.raises(ValueError, match='context "c1" has no ca, crt, key'):
        talosconfig_access(config, endpoints=["10.0.0.2"])
    with pytest.raises(ValueError, match="nope"):
        talosconfig_access(config, context="nope")


def test_package_imports_neither_the_node_side_nor_the_cli() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pytalos.cluster.check; "
        "bad = [m for m in sys.modules if m.startswith(('pytalos.machined', 'pytalos.cli'))]; "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
