"""The local cluster's discovery service: every node's config points at it (for old and new version
contracts), and the process starts on the gateway, is found by PID and stops without leftovers."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from pytalos.machined.controllers.cluster.discovery_service import service_settings
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machinery.config.loader import load
from pytalos.provision import ProvisionError
from pytalos.provision.configs import ConfigOptions, generate_configs
from pytalos.provision.discovery import (
    DISCOVERY_PORT,
    discovery_running,
    log_path,
    spawn_discovery,
    stop_discovery,
    wait_discovery,
)
from pytalos.provision.provisioner import ClusterRequest, NetnsProvisioner
from pytalos.provision.state import ClusterState

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("talos_version", ["", "v1.7"])
def test_every_node_registers_with_the_gateway_service(talos_version: str) -> None:
    state = NetnsProvisioner().plan(ClusterRequest("demo", Path("/tmp/s"), "10.211.9.0/24", 1, 1))
    assert state.discovery == "http://10.211.9.1:3000"
    configs = generate_configs(state, ConfigOptions(talos_version=talos_version))
    for name, text in configs.nodes.items():
        container = load(text)
        settings = service_settings(ConfigView(container))
        assert settings is not None, name
        assert (settings.endpoint, settings.insecure) == ("10.211.9.1:3000", True), name
        if talos_version:  # legacy contract: cluster.discovery, the Kubernetes registry off
            discovery = container.v1alpha1().cluster_config.cluster_discovery_config
            assert discovery.discovery_registries.registry_kubernetes.registry_disabled is True
        else:
            assert container.get("DiscoveryServiceConfig") is not None


def _state(tmp_path: Path) -> ClusterState:
    # a random loopback address stands in for the bridge gateway: no root, no clash with other tests
    gateway = f"127.{os.urandom(1)[0]}.{os.urandom(1)[0]}.{1 + os.urandom(1)[0] % 250}"
    return ClusterState("demo", str(tmp_path), f"{gateway}/24", gateway, "ptbrx")


def test_start_find_and_stop(tmp_path: Path) -> None:
    state = _state(tmp_path)
    proc = spawn_discovery(state, sys.executable)
    state.discovery_pid = proc.pid
    wait_discovery(state, proc)
    try:
        assert discovery_running(state)
        with socket.create_connection((state.gateway, DISCOVERY_PORT), 2):
            pass
        assert (
            NetnsProvisioner().leftovers(state)[-1] == f"discovery service: processes [{proc.pid}] still run"
        )
        assert stop_discovery(state) == ""
        assert not discovery_running(state)
        assert "listening on" in log_path(state).read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_start_failure_names_the_address_and_log(tmp_path: Path) -> None:
    state = _state(tmp_path)
    with socket.socket() as busy:
        busy.bind((state.gateway, DISCOVERY_PORT))
        busy.listen()  # it even accepts connections: start must still see the service fail
        proc = spawn_discovery(state, sys.executable)
        try:
            with pytest.raises(ProvisionError, match=rf"discovery service on {state.gateway}:3000 exited"):
                wait_discovery(state, proc)
            assert "Address already in use" in str(log_path(state).read_text())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
