"""The address plan and the names of the netns provisioner."""

from __future__ import annotations

import ipaddress

import pytest

from pytalos.machined.netns_fake import RecordingIp
from pytalos.provision import ProvisionError
from pytalos.provision.network import (
    bridge_name,
    create_bridge,
    delete_bridge,
    netns_name,
    node_names,
    plan_addresses,
)

pytestmark = pytest.mark.unit


def test_gateway_first_then_control_planes_then_workers() -> None:
    plan = plan_addresses("10.5.0.0/24", 5)
    assert str(plan.gateway) == "10.5.0.1"
    assert [str(a) for a in plan.nodes] == ["10.5.0.2", "10.5.0.3", "10.5.0.4", "10.5.0.5", "10.5.0.6"]
    assert plan.gateway_cidr == "10.5.0.1/24"
    assert plan.node_cidr(0) == "10.5.0.2/24"
    names = node_names("demo", 3, 2)
    assert names == [
        ("demo-controlplane-1", "controlplane"),
        ("demo-controlplane-2", "controlplane"),
        ("demo-controlplane-3", "controlplane"),
        ("demo-worker-1", "worker"),
        ("demo-worker-2", "worker"),
    ]


def test_host_bits_are_masked_like_a_prefix() -> None:
    plan = plan_addresses("10.9.3.77/24", 1)
    assert plan.cidr == ipaddress.IPv4Network("10.9.3.0/24")
    assert str(plan.nodes[0]) == "10.9.3.2"


def test_cidr_too_small_names_the_room() -> None:
    assert len(plan_addresses("10.5.0.0/29", 5).nodes) == 5  # .2-.6, .7 is broadcast
    with pytest.raises(ProvisionError, match=r"cidr 10.5.0.0/29 is too small for 6 nodes: it has room for 5"):
        plan_addresses("10.5.0.0/29", 6)
    with pytest.raises(ProvisionError, match="room for 0"):
        plan_addresses("10.5.0.0/31", 1)


def test_invalid_and_ipv6_cidrs() -> None:
    with pytest.raises(ProvisionError, match="error validating cidr block"):
        plan_addresses("10.5.0.0/33", 1)
    with pytest.raises(ProvisionError, match="expected to be IPV4"):
        plan_addresses("fd00::/64", 1)


def test_names_fit_the_kernel_limits() -> None:
    long = "a-very-long-cluster-name-that-goes-on"
    assert len(bridge_name(long)) == 15
    assert bridge_name(long) != bridge_name(long + "x")
    assert bridge_name("talos-default") == bridge_name("talos-default")
    assert netns_name("demo-worker-1") == "pytalos-demo-worker-1"


def test_bridge_plan_and_cleanup_on_failure() -> None:
    ip = RecordingIp()
    create_bridge("ptbrx", "10.5.0.1/24", "demo", ip)
    assert ip.calls == ["link add ptbrx type bridge", "addr add 10.5.0.1/24 dev ptbrx", "link set ptbrx up"]
    ip = RecordingIp(fail_on="link set ptbrx up")
    with pytest.raises(ProvisionError, match="configuring bridge ptbrx"):
        create_bridge("ptbrx", "10.5.0.1/24", "demo", ip)
    assert ip.calls[-1] == "link del ptbrx"
    ip = RecordingIp(fail_on="type bridge")
    with pytest.raises(ProvisionError, match=r"already run.*cluster destroy --name demo"):
        create_bridge("ptbrx", "10.5.0.1/24", "demo", ip)
    assert ip.calls == ["link add ptbrx type bridge"]  # nothing of another cluster is removed
    ip = RecordingIp()
    delete_bridge("ptbrx", ip)
    assert ip.calls == ["link del ptbrx"]
