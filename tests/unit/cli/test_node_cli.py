"""talosctl version/services/service/apply-config/reboot against real node API servers on 127.0.0.1.

The servers are machined's own (mTLS, Ed25519 certificates from a generated secrets bundle); the
client reads a talosconfig written from the same bundle, so these are end-to-end over the network.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import serialization

from pytalos.cli.nodeclient import NO_NODES, spki_fingerprint, split_host_port

from ._served import Servers, servers, talosctl


def _eventually(read: Callable[[], list[str]], timeout: float = 5.0) -> list[str]:
    """The node hook runs right after the reply was sent: the client may see the reply first."""
    deadline = time.monotonic() + timeout
    while not read() and time.monotonic() < deadline:
        time.sleep(0.01)
    return read()


__all__ = ["servers"]


@pytest.fixture(scope="module")
def two(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    nodes = [servers.start_node("cp-1").address, servers.start_node("cp-2").address]
    path = servers.talosconfig(tmp_path_factory.mktemp("tc") / "talosconfig", nodes)
    return path, nodes


def test_version_prints_client_then_each_node_in_talos_layout(two: tuple[Path, list[str]]) -> None:
    talosconfig, nodes = two
    result = talosctl("--talosconfig", str(talosconfig), "version")
    assert result.exit_code == 0, result.stderr
    client, server = result.stdout.split("Server:\n")
    assert client.startswith("Client:\n\tTag:         v")
    blocks = server.split("\tNODE:        ")[1:]
    assert [b.splitlines()[0] for b in blocks] == nodes
    lines = blocks[0].splitlines()[1:]
    assert [line.split(":")[0] for line in lines] == [
        "\tTag",
        "\tSHA",
        "\tBuilt",
        "\tGo version",
        "\tOS/Arch",
        "\tEnabled",
    ]
    assert lines[3].startswith("\tGo version:  python3.") and lines[-1] == "\tEnabled:     RBAC"


def test_version_client_only_needs_no_node(tmp_path: Path) -> None:
    result = talosctl("version", "--client", "--talosconfig", str(tmp_path / "none"))
    assert result.exit_code == 0 and "Server:" not in result.stdout


def test_fan_out_with_one_node_stopped_gives_one_answer_and_one_error(
    servers: Servers, tmp_path: Path
) -> None:
    up, down = servers.start_node("up"), servers.start_node("down")
    servers.stop(down.server)
    talosconfig = servers.talosconfig(tmp_path / "tc", [])
    result = talosctl("version", "--talosconfig", str(talosconfig), "-n", f"{up.address},{down.address}")
    assert result.exit_code == 1
    assert result.stdout.count("\tNODE:        ") == 1 and f"\tNODE:        {up.address}\n" in result.stdout
    host, port = split_host_port(down.address)
    assert result.stderr == (
        f"error: error getting version from node {down.address}: rpc error: code = Unavailable desc = "
        f'connection error: desc = "transport: Error while dialing: dial tcp {host}:{port}: '
        'connect: connection refused"\n'
    )
    services = talosctl("services", "--talosconfig", str(talosconfig), "-n", up.address, "-n", down.address)
    assert services.exit_code == 1
    assert [line.split()[0] for line in services.stdout.splitlines()] == ["NODE", up.address]
    assert services.stderr.startswith(
        f"error: error listing services: {down.address}: rpc error: code = Unavailable"
    )


def test_services_table_and_single_service_status(two: tuple[Path, list[str]]) -> None:
    talosconfig, nodes = two
    table = talosctl("services", "--talosconfig", str(talosconfig))
    assert table.exit_code == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split() == ["NODE", "SERVICE", "STATE", "HEALTH", "LAST", "CHANGE", "LAST", "EVENT"]
    assert header.index("SERVICE") == len(nodes[0]) + 3  # tabwriter: widest cell + 3 spaces
    assert header.index("STATE") == header.index("SERVICE") + len("SERVICE") + 3
    assert [r.split()[:4] for r in rows] == [[n, "etcd", "Running", "OK"] for n in nodes]
    assert all(r.endswith(" ago   Health check successful") for r in rows)

    status = talosctl("service", "etcd", "--talosconfig", str(talosconfig), "-n", nodes[0])
    assert status.exit_code == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[:4] == [f"NODE     {nodes[0]}", "ID       etcd", "STATE    Running", "HEALTH   OK"]
    assert lines[4].startswith("EVENTS   [Running]: Health check successful (") and lines[4].endswith(" ago)")

    missing = talosctl("service", "nope", "--talosconfig", str(talosconfig))
    assert (missing.exit_code, missing.stderr) == (
        1,
        'error: service "nope" is not registered on any nodes\n',
    )


def test_service_control_shows_the_servers_unimplemented_plainly(two: tuple[Path, list[str]]) -> None:
    talosconfig, nodes = two
    result = talosctl("service", "etcd", "restart", "--talosconfig", str(talosconfig), "-n", nodes[0])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"error: error restarting service: {nodes[0]}: rpc error: code = Unimplemented "
        "desc = this node does not expose service control\n"
    )
    bad = talosctl("service", "etcd", "explode", "--talosconfig", str(talosconfig))
    assert bad.stderr == 'error: unsupported service action: "explode"\n'


def test_apply_config_modes_dry_run_and_patch(servers: Servers, tmp_path: Path) -> None:
    from tests.unit.machined.node import _configs

    node = servers.start_node("apply-1")
    talosconfig = servers.talosconfig(tmp_path / "tc", [node.address])
    config = tmp_path / "cp.yaml"
    config.write_bytes(_configs.raw())
    tc = ("--talosconfig", str(talosconfig))

    same = talosctl("apply-config", "-f", str(config), *tc)
    assert (same.exit_code, same.stdout) == (0, "Applied configuration without a reboot\n")
    assert len(node.config_runtime.persisted) == 1

    dry = talosctl("apply", "--file", str(config), "--dry-run", *tc)
    assert dry.exit_code == 0
    assert dry.stdout.startswith(
        "Dry run summary:\nApplied configuration without a reboot (skipped in dry-run)."
    )
    assert len(node.config_runtime.persisted) == 1

    patch = "machine:\n  env:\n    A: b\n"
    refused = talosctl("apply-config", "-f", str(config), "-p", patch, "-m", "no-reboot", *tc)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(
        f"error: error applying new configuration: {node.address}: rpc error: code = InvalidArgument "
        "desc = this config change can't be applied in immediate mode"
    )

    tried = talosctl("apply-config", "-f", str(config), "-m", "try", "--timeout", "2m30s", *tc)
    assert tried.exit_code == 0 and "automatically reverted back in 2m30s" in tried.stdout
    assert node.config_runtime.rollback == 150.0

    rebooting = talosctl("apply-config", "-f", str(config), "-p", patch, *tc)
    assert rebooting.exit_code == 0
    assert rebooting.stdout.startswith("Applied configuration with a reboot: this config change")
    assert _eventually(lambda: node.node.reboots) == [""]


def test_apply_config_argument_errors(tmp_path: Path) -> None:
    assert talosctl("apply-config").stderr == "error: no filename supplied for configuration\n"
    missing = talosctl("apply-config", "-f", str(tmp_path / "nope.yaml"))
    assert missing.stderr == (
        f'error: failed to read configuration from "{tmp_path}/nope.yaml": '
        f"open {tmp_path}/nope.yaml: no such file or directory\n"
    )
    assert talosctl("apply-config", "config").stderr == "error: expected no positional arguments\n"
    assert talosctl("apply", "banana").stderr == "error: unknown positional argument banana\n"
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    assert talosctl("apply", "-f", str(empty)).stderr == "error: no configuration data read\n"


def _fingerprint(pem: bytes) -> str:
    return spki_fingerprint(cx509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER))


def test_apply_config_insecure_to_maintenance_with_fingerprint_pinning(
    servers: Servers, tmp_path: Path
) -> None:
    from tests.unit.machined.node import _configs

    server, accepted, identity = servers.start_maintenance()
    config = tmp_path / "worker.yaml"
    config.write_bytes(_configs.raw("worker"))
    node = f"127.0.0.1:{server.port}"
    wrong = _fingerprint(servers.ca.crt)
    pinned = talosctl("apply-config", "-i", "-n", node, "-f", str(config), "--cert-fingerprint", wrong)
    assert pinned.exit_code == 1 and "fingerprint mismatch" in pinned.stderr and accepted == []

    version = talosctl("version", "--insecure", "-n", node)
    assert version.exit_code == 1
    assert version.stderr == (
        f"error: error getting version from node {node}: rpc error: code = Unimplemented "
        "desc = API is not implemented in maintenance mode\n"
    )

    right = _fingerprint(identity.crt)
    result = talosctl(
        "apply-config", "--insecure", "--nodes", node, "-f", str(config), "--cert-fingerprint", right
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    # the server hands the config over only after its reply is sent
    assert [c.raw for c in _eventually(lambda: accepted)] == [_configs.raw("worker")]


def test_reboot_reaches_the_node(servers: Servers, tmp_path: Path) -> None:
    node = servers.start_node("reboot-1")
    talosconfig = servers.talosconfig(tmp_path / "tc", [node.address])
    result = talosctl("reboot", "--wait=false", "--talosconfig", str(talosconfig))
    assert (result.exit_code, result.stdout) == (0, "")
    reboots = _eventually(lambda: node.node.reboots)
    assert len(reboots) == 1 and len(reboots[0]) == 36
    assert "--wait BOOL" in talosctl("reboot", "--help").stdout


def test_reader_cannot_reboot(servers: Servers, tmp_path: Path) -> None:
    node = servers.start_node("reader-1")
    talosconfig = servers.talosconfig(tmp_path / "tc", [node.address], roles=["os:reader"])
    result = talosctl("reboot", "--wait=false", "--talosconfig", str(talosconfig))
    assert result.stderr == (
        f"error: error executing reboot: {node.address}: "
        "rpc error: code = PermissionDenied desc = not authorized\n"
    )
    assert node.node.reboots == []


def test_node_and_config_errors(servers: Servers, tmp_path: Path) -> None:
    talosconfig = servers.talosconfig(tmp_path / "tc", [])
    assert talosctl("version", "--talosconfig", str(talosconfig)).stderr == f"error: {NO_NODES}\n"
    assert talosctl("services", "-i").stderr == f"error: {NO_NODES}\n"
    other = talosctl("services", "--talosconfig", str(talosconfig), "--context", "other", "-n", "1.2.3.4")
    assert other.stderr == 'error: context "other" is not defined\n'
    bad = talosctl("version", "-i", "-n", "127.0.0.1:1", "--cert-fingerprint", "not-base64!")
    assert bad.exit_code == 1 and "error parsing certificate fingerprint" in bad.stderr


def test_split_host_port() -> None:
    assert split_host_port("10.0.0.1") == ("10.0.0.1", 50000)
    assert split_host_port("node-1:123") == ("node-1", 123)
    assert split_host_port("[fd00::1]:7") == ("fd00::1", 7)
    assert split_host_port("fd00::1") == ("fd00::1", 50000)
