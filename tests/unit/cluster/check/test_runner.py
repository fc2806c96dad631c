"""run_checks: polling until healthy, the overall deadline honoured, the report and the text lines."""

from __future__ import annotations

import asyncio
import io
import json
import time

import pytest

from pytalos.cluster.check import Check, CheckState, ClusterInfo, HealthReport, TextReporter, run_checks
from pytalos.cluster.check.access import ServiceStatus
from pytalos.cluster.check.fake import FakeNodeAccess
from pytalos.cluster.check.reporter import LineReporter, parse_line, status_line
from pytalos.cluster.check.service import etcd_healthy

from ._cluster import CP1, CP2, INFO, healthy, running

pytestmark = pytest.mark.unit


class Recorder:
    def __init__(self) -> None:
        self.updates: list[tuple[str, CheckState, str | None]] = []

    def update(self, check: str, state: CheckState, error: str | None) -> None:
        self.updates.append((check, state, error))


def test_healthy_cluster_reports_ok_and_skips_with_reasons() -> None:
    out = io.StringIO()
    report = asyncio.run(run_checks(healthy(), INFO, 10, TextReporter(out)))
    assert report.ok and report.failed is None
    results = {c.name: c.result for c in report.checks}
    assert results["etcd to be healthy"] == "ok" and results["all k8s nodes to report"] == "skipped"
    assert len(report.checks) == 18 and all(c.attempts == 1 for c in report.checks)
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["waiting for etcd to be healthy: ...", "waiting for etcd to be healthy: OK"]
    assert lines[-1].startswith("waiting for all k8s nodes to report schedulable: SKIP (no Kubernetes API")
    data = json.loads(report.json_text())
    assert data["ok"] is True and data["nodes"] == {"controlPlanes": [CP1, CP2], "workers": ["10.9.0.4"]}
    assert data["checks"][0] == {
        "name": "etcd to be healthy",
        "result": "ok",
        "reason": "",
        "duration": data["checks"][0]["duration"],
        "attempts": 1,
    }


def test_check_polls_until_it_passes() -> None:
    fake = healthy()
    fake.services_by_node[CP1] = [ServiceStatus("etcd", "Preparing", last_event="Running pre state")]

    async def scenario() -> tuple[HealthReport, float]:
        async def heal() -> None:
            await asyncio.sleep(0.15)
            fake.services_by_node[CP1] = [running("etcd")]

        task = asyncio.create_task(heal())
        start = time.monotonic()
        check = Check("etcd to be healthy", etcd_healthy, interval=0.1)
        report = await run_checks(fake, INFO, 5, recorder, [check])
        await task
        return report, time.monotonic() - start

    recorder = Recorder()
    report, took = asyncio.run(scenario())
    assert report.ok and took < 1.0
    assert report.checks[0].attempts >= 2
    states = [(s, e) for _, s, e in recorder.updates]
    assert states[0] == (CheckState.RUNNING, None)
    assert (
        CheckState.RUNNING,
        f'{CP1}: service "etcd" not in expected state "Running": current state [Preparing] Running pre state',
    ) in states
    assert states[-1] == (CheckState.OK, None)


def test_deadline_is_honoured_and_names_the_check_and_last_error() -> None:
    fake = healthy()
    fake.services_by_node[CP2] = [ServiceStatus("etcd", "Failed", last_event="exit status 1")]
    recorder = Recorder()
    start = time.monotonic()
    report = asyncio.run(run_checks(fake, INFO, 0.5, recorder))
    took = time.monotonic() - start
    assert 0.5 <= took < 0.7, took
    assert not report.ok
    failed = report.failed
    assert failed is not None and failed.name == "etcd to be healthy"
    assert (
        failed.reason
        == f'{CP2}: service "etcd" not in expected state "Running": current state [Failed] exit status 1'
    )
    assert report.failure_text() == f'check "etcd to be healthy" failed: {failed.reason}'
    assert report.checks[1].result == "skipped"
    assert report.checks[1].reason == 'not run: "etcd to be healthy" failed first'
    assert recorder.updates[-1] == ("etcd to be healthy", CheckState.FAILED, failed.reason)
    assert json.loads(report.json_text())["error"] == report.failure_text()


def test_a_node_that_never_answers_is_named_by_the_deadline() -> None:
    fake = healthy()
    fake.delays[CP2] = 30
    start = time.monotonic()
    report = asyncio.run(run_checks(fake, INFO, 0.4, Recorder()))
    took = time.monotonic() - start
    assert 0.4 <= took < 0.6, took
    assert report.failed is not None and report.failed.reason.startswith(f"{CP2}: no answer within 0.")


def test_unreachable_extra_worker_fails_apid_check() -> None:
    fake = healthy()
    info = ClusterInfo((CP1, CP2), ("10.9.0.4", "10.9.0.50"))
    report = asyncio.run(run_checks(fake, info, 0.3, Recorder()))
    assert report.failed is not None and report.failed.name == "apid to be ready"
    assert report.failed.reason.startswith("10.9.0.50: rpc error: code = Unavailable")


def test_text_lines_parse_back() -> None:
    lines: list[str] = []
    reporter = LineReporter(lines.append)
    reporter.update("etcd to be healthy", CheckState.RUNNING, None)
    reporter.update("etcd to be healthy", CheckState.RUNNING, None)
    reporter.update("etcd to be healthy", CheckState.RUNNING, "10.0.0.1: not\nready")
    reporter.update("etcd to be healthy", CheckState.OK, None)
    reporter.update("no diagnostics", CheckState.SKIPPED, "not served")
    assert lines == [
        "waiting for etcd to be healthy: ...",
        "waiting for etcd to be healthy: 10.0.0.1: not ready",
        "waiting for etcd to be healthy: OK",
        "waiting for no diagnostics: SKIP (not served)",
    ]
    assert [parse_line(line) for line in lines] == [
        ("etcd to be healthy", CheckState.RUNNING, None),
        ("etcd to be healthy", CheckState.RUNNING, "10.0.0.1: not ready"),
        ("etcd to be healthy", CheckState.OK, None),
        ("no diagnostics", CheckState.SKIPPED, "not served"),
    ]
    assert parse_line("discovered nodes: []") is None
    assert status_line("x", CheckState.SKIPPED, None) == "waiting for x: SKIP"


def test_access_stays_open_for_the_caller() -> None:
    fake = FakeNodeAccess()
    asyncio.run(run_checks(fake, ClusterInfo(()), 1, Recorder(), []))
    assert not fake.closed
