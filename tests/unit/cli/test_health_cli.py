"""``talosctl health`` flags and output, the checks run against a fake NodeAccess (client side) and the
report rebuilt from server-side progress lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import pytalos.cluster.check as check_pkg
from pytalos.cli.commands import health
from pytalos.cli.main import cli
from pytalos.cluster.check.access import ServiceStatus
from pytalos.cluster.check.fake import FakeNodeAccess
from pytalos.machinery.client.config import Config
from pytalos.machinery.secrets.ca import new_admin_certificate, new_talos_ca
from tests.unit.cluster.check._cluster import CP1, CP2, W1, healthy

pytestmark = pytest.mark.unit


def _run(args: list[str], fake: FakeNodeAccess | None, monkeypatch: pytest.MonkeyPatch) -> Result:
    if fake is not None:
        monkeypatch.setattr(health, "open_config", lambda path: Config())
        monkeypatch.setattr(check_pkg, "talosconfig_access", lambda config, context, endpoints: fake)
    return CliRunner().invoke(cli, ["health", *args])


NODES = ["--control-plane-nodes", f"{CP1},{CP2}", "--worker-nodes", W1]


def test_client_side_healthy_text(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = healthy()
    result = _run([*NODES, "--server=false"], fake, monkeypatch)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[:2] == ["waiting for etcd to be healthy: ...", "waiting for etcd to be healthy: OK"]
    assert "waiting for all nodes to have synced time: OK" in lines
    assert result.stdout == "" and fake.closed


def test_client_side_json_and_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = healthy()
    fake.services_by_node[CP2] = [ServiceStatus("etcd", "Failed", last_event="exit status 1")]
    result = _run([*NODES, "--server=false", "--wait-timeout", "300ms", "-o", "json"], fake, monkeypatch)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["waitTimeout"] == 0.3
    assert report["checks"][0]["result"] == "failed"
    expected = f'{CP2}: service "etcd" not in expected state "Running": current state [Failed] exit status 1'
    assert report["checks"][0]["reason"] == expected
    assert result.stderr.splitlines()[-1] == f'error: check "etcd to be healthy" failed: {expected}'


def test_client_side_discovers_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = healthy()
    fake.etcd[""] = fake.etcd[CP1]
    result = _run(["--server=false", "-o", "json"], fake, monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == f'discovered nodes: ["{CP1}" "{CP2}"]'
    assert json.loads(result.stdout)["nodes"] == {"controlPlanes": [CP1, CP2], "workers": []}


def test_flag_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result = _run(["--run-e2e"], None, monkeypatch)
    assert result.exit_code == 1 and "--run-e2e is not supported" in result.stderr
    result = _run(["--wait-timeout", "soon"], None, monkeypatch)
    assert result.exit_code == 2 and 'time: invalid duration "soon"' in result.stderr
    result = _run(["--wait-timeout", "0s"], None, monkeypatch)
    assert result.exit_code == 2 and "must be positive" in result.stderr
    ca = new_talos_ca()
    talosconfig = tmp_path / "talosconfig"
    Config.new("c", ["127.0.0.1"], ca.crt, new_admin_certificate(ca)).save(str(talosconfig))
    result = _run(["--talosconfig", str(talosconfig), "-n", "10.0.0.1,10.0.0.2"], None, monkeypatch)
    assert result.exit_code == 1 and 'command "health" is not supported with multiple nodes' in result.stderr
    result = _run(["--talosconfig", str(tmp_path / "missing"), "--server=false"], None, monkeypatch)
    assert result.exit_code == 1 and result.stderr.startswith("error: talosconfig: ")


def test_wait_timeout_and_flag_parsing() -> None:
    assert health.wait_timeout_seconds("20m") == 1200.0
    assert health.wait_timeout_seconds("1m30s") == 90.0
    assert health.flag_info((), (), "") is None
    info = health.flag_info(("10.0.0.2,10.0.0.3",), ("10.0.0.4",), "10.0.0.1")
    assert info is not None and info.nodes == ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4")


def test_report_rebuilt_from_server_lines() -> None:
    names = ["etcd to be healthy", "apid to be ready", "no diagnostics"]
    builder = health.StreamedReport(names)
    for t, line in enumerate(
        [
            'discovered nodes: ["10.0.0.2"]',
            "waiting for etcd to be healthy: ...",
            "waiting for etcd to be healthy: OK",
            "waiting for apid to be ready: ...",
            "waiting for apid to be ready: 10.0.0.9: rpc error: code = Unavailable desc = refused",
        ]
    ):
        builder.line(line, float(t))
    error = 'rpc error: code = DeadlineExceeded desc = check "apid to be ready" failed: 10.0.0.9: refused'
    report = builder.report(3.0, 5.0, error, 5.0)
    assert [(c.name, c.result) for c in report.checks] == [
        ("etcd to be healthy", "ok"),
        ("apid to be ready", "failed"),
        ("no diagnostics", "skipped"),
    ]
    assert report.checks[1].reason == "10.0.0.9: rpc error: code = Unavailable desc = refused"
    assert (
        report.checks[1].duration == 2.0
        and report.checks[2].reason == 'not run: "apid to be ready" failed first'
    )
    assert not report.ok and report.to_json()["discoveredNodes"] == '["10.0.0.2"]'
    ok = health.StreamedReport(names[:1])
    ok.line("waiting for etcd to be healthy: OK", 0.0)
    assert ok.report(3.0, 1.0, "", 1.0).ok
