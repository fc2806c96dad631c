"""Cluster health checks (Talos's ``pkg/cluster/check``), shared by ``talosctl health`` and machined.

One module per concern: :mod:`.access` (what the checks ask nodes, a Protocol; :mod:`.grpc_access`
implements it over the Machine API, :mod:`.fake` for tests), :mod:`.info` (the nodes, or their
discovery), :mod:`.conditions` (polling against a deadline), :mod:`.reporter` (progress lines, the
report), one module per check group (:mod:`.etcd`, :mod:`.apid`, :mod:`.nodes`, :mod:`.service`,
:mod:`.diagnostics`, :mod:`.kubernetes`), :mod:`.default` (the list, Talos's order) and
:mod:`.runner` (:func:`run_checks`).

Typical use (``cluster create`` waiting for its nodes)::

    access = talosconfig_access(config)
    try:
        report = await run_checks(access, ClusterInfo(("10.5.0.2",)), 600, TextReporter())
    finally:
        await access.close()
    if not report.ok:
        raise SystemExit(report.failure_text())
"""

from __future__ import annotations

from .access import AccessError, NodeAccess
from .conditions import POLL_INTERVAL, Check, CheckError, SkipCheck
from .default import default_checks
from .grpc_access import apid_access, talosconfig_access
from .info import ClusterInfo, discover
from .reporter import CheckResult, CheckState, HealthReport, LineReporter, Reporter, TextReporter
from .runner import run_checks

__all__ = [
    "POLL_INTERVAL",
    "AccessError",
    "Check",
    "CheckError",
    "CheckResult",
    "CheckState",
    "ClusterInfo",
    "HealthReport",
    "LineReporter",
    "NodeAccess",
    "Reporter",
    "SkipCheck",
    "TextReporter",
    "apid_access",
    "default_checks",
    "discover",
    "run_checks",
    "talosconfig_access",
]
