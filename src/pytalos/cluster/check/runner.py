"""Running a check list against a cluster until it is healthy or the wait timeout ends (Talos's
``check.Wait``).

Checks run one after the other, each polled (:func:`.conditions.poll`) against one overall deadline
(``now + timeout``), so the whole run ends by it. The first check still failing at the deadline stops
the run, as in Talos; the checks after it are reported ``skipped`` ("not run: …") so the report
always lists every check. The reporter sees every state change; the :class:`~.reporter.HealthReport`
says per check what happened, how long it took, and (for a failure) the last error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from .access import NodeAccess
from .conditions import Check, poll
from .default import default_checks
from .info import ClusterInfo
from .reporter import CheckResult, CheckState, HealthReport, Reporter

_STATES = {"ok": CheckState.OK, "failed": CheckState.FAILED, "skipped": CheckState.SKIPPED}


async def run_checks(
    access: NodeAccess,
    info: ClusterInfo,
    timeout: float,
    reporter: Reporter,
    checks: Sequence[Check] | None = None,
) -> HealthReport:
    """Run ``checks`` (default: :func:`.default.default_checks`) against ``info``'s nodes through
    ``access`` for at most ``timeout`` seconds; ``access`` stays open (the caller closes it)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + timeout
    todo = list(default_checks() if checks is None else checks)
    results: list[CheckResult] = []
    failed: str | None = None
    for check in todo:
        if failed is not None:
            results.append(CheckResult(check.name, "skipped", f'not run: "{failed}" failed first'))
            continue
        begin = loop.time()

        def progress(error: str | None, name: str = check.name) -> None:
            reporter.update(name, CheckState.RUNNING, error)

        outcome = await poll(check, access, info, deadline, progress)
        reporter.update(check.name, _STATES[outcome.result], outcome.reason or None)
        results.append(
            CheckResult(check.name, outcome.result, outcome.reason, loop.time() - begin, outcome.attempts)
        )
        if outcome.result == "failed":
            failed = check.name
    return HealthReport(
        tuple(results),
        control_planes=info.control_plane_nodes,
        workers=info.workers,
        timeout=timeout,
        duration=loop.time() - started,
    )
