"""The configs of a new local cluster: endpoint, talosconfig, per-node hostnames, patches by type."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytalos.machinery.config.loader import load
from pytalos.machinery.config.patch import load_patch
from pytalos.provision import ProvisionError
from pytalos.provision.configs import ConfigOptions, generate_configs, version_contract
from pytalos.provision.provisioner import ClusterRequest, NetnsProvisioner

pytestmark = pytest.mark.unit


def test_configs_per_node() -> None:
    state = NetnsProvisioner().plan(ClusterRequest("demo", Path("/tmp/s"), "10.211.9.0/24", 2, 1))
    options = ConfigOptions(
        kubernetes_version="v1.35.0",
        control_plane_patches=[load_patch("machine:\n  nodeLabels:\n    role: cp\n")],
        worker_patches=[load_patch("machine:\n  nodeLabels:\n    role: wk\n")],
    )
    configs = generate_configs(state, options)
    cp1 = load(configs.nodes["demo-controlplane-1"]).v1alpha1()
    cp2 = load(configs.nodes["demo-controlplane-2"]).v1alpha1()
    worker = load(configs.nodes["demo-worker-1"]).v1alpha1()
    assert cp1.machine_config.machine_network.network_hostname == "demo-controlplane-1"
    assert worker.machine_config.machine_network.network_hostname == "demo-worker-1"
    assert (
        cp1.machine_config.machine_type == "controlplane" and worker.machine_config.machine_type == "worker"
    )
    assert "endpoint: https://10.211.9.2:6443" in configs.nodes["demo-worker-1"].decode()
    assert cp1.machine_config.machine_node_labels == {"role": "cp"}
    assert worker.machine_config.machine_node_labels == {"role": "wk"}
    assert cp2.machine_config.machine_ca.crt.data == worker.machine_config.machine_ca.crt.data  # one bundle
    assert "kubelet:v1.35.0" in configs.nodes["demo-worker-1"].decode()
    context = configs.talosconfig.get_context("demo")
    assert context.endpoints == ["10.211.9.2", "10.211.9.3"] and context.nodes == ["10.211.9.2"]
    assert configs.talosconfig.context == "demo"


def test_talos_version_contract() -> None:
    contract = version_contract("v1.7.0")
    assert (contract.major, contract.minor) == (1, 7)
    with pytest.raises(ProvisionError, match='error parsing Talos version "banana"'):
        version_contract("banana")
