"""``talosctl health``: wait until the cluster is healthy (``cmd/talosctl/cmd/talos/health.go``).

The checks are :mod:`pytalos.cluster.check`'s (Talos's list and names, see :mod:`~pytalos.cluster.
check.default`). ``--server`` (default true) asks machined of the node (``-n``, exactly one; else the
context's) to run them, ``ClusterService.HealthCheck``, and prints its streamed progress lines on
stderr; ``--server=false`` runs them here, through the talosconfig endpoint, printing the same
``waiting for <check>: …`` lines. Nodes come from ``--control-plane-nodes``/``--worker-nodes``/
``--init-node``, else are discovered from the node (:func:`pytalos.cluster.check.discover`: what it
can and cannot find is said there). ``--wait-timeout`` (Go duration, default ``20m``) bounds the
whole run; a check still failing then exits 1 naming the check and its last error.
``--k8s-endpoint`` is accepted and only reaches the Kubernetes checks (skipped: no kubelet runs);
``--run-e2e`` is refused (no Kubernetes to test). Beyond Talos, ``-o json`` prints the report: every
check with its result (ok/failed/skipped), reason or last error and duration -- server side rebuilt
from the streamed lines.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any

import click
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.gen.cluster import cluster_grpc, cluster_pb2
from pytalos.cli.nodeclient import (
    ClientFactory,
    CLIError,
    GlobalArgs,
    global_options,
    rpc_error_text,
    run,
)
from pytalos.cluster.check import ClusterInfo, HealthReport, TextReporter, discover, run_checks
from pytalos.cluster.check.default import check_names, default_checks
from pytalos.cluster.check.reporter import CheckResult, CheckState, parse_line
from pytalos.machinery.client.config import ConfigError, open_config
from pytalos.machinery.config.codecs import parse_go_duration

from ..flags import split_values

#: slack on top of --wait-timeout for the server-side call (discovery, the last message)
SERVER_CALL_SLACK = 30.0


def wait_timeout_seconds(text: str) -> float:
    try:
        ns = parse_go_duration(text)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="'--wait-timeout'") from None
    if ns <= 0:
        raise click.BadParameter(f"must be positive, got {text!r}", param_hint="'--wait-timeout'")
    return ns / 1e9


def flag_info(control_planes: tuple[str, ...], workers: tuple[str, ...], init: str) -> ClusterInfo | None:
    cps, ws = tuple(split_values(control_planes)), tuple(split_values(workers))
    if not cps and not ws and not init:
        return None
    return ClusterInfo(cps, ws, init or None)


class StreamedReport:
    """Builds the report of a server-side run from its progress lines (see the module docstring)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.started: dict[str, float] = {}
        self.ended: dict[str, float] = {}
        self.state: dict[str, CheckState] = {}
        self.reason: dict[str, str] = {}
        self.discovered = ""

    def line(self, text: str, now: float) -> None:
        if text.startswith("discovered nodes: "):
            self.discovered = text[len("discovered nodes: ") :]
            return
        parsed = parse_line(text)
        if parsed is None:
            return
        check, state, error = parsed
        self.started.setdefault(check, now)
        self.state[check] = state
        if error:
            self.reason[check] = error
        if state in (CheckState.OK, CheckState.SKIPPED):
            self.ended[check] = now

    def report(self, timeout: float, duration: float, error: str, now: float) -> HealthReport:
        results = []
        failed = ""
        for name in [*self.names, *(n for n in self.state if n not in self.names)]:
            state = self.state.get(name)
            took = self.ended.get(name, now) - self.started.get(name, now)
            if state is CheckState.OK:
                results.append(CheckResult(name, "ok", "", took))
            elif state is CheckState.SKIPPED:
                results.append(CheckResult(name, "skipped", self.reason.get(name, ""), took))
            elif state is CheckState.RUNNING and error and not failed:
                failed = name
                results.append(CheckResult(name, "failed", self.reason.get(name, error), took))
            else:
                why = f'not run: "{failed}" failed first' if failed else "not run"
                results.append(CheckResult(name, "skipped", why))
        return HealthReport(
            tuple(results),
            timeout=timeout,
            duration=duration,
            error=error if not failed else "",
            extra={"server": True, "discoveredNodes": self.discovered},
        )


async def _server_side(
    factory: ClientFactory, request: cluster_pb2.HealthCheckRequest, timeout: float, output: str
) -> HealthReport | None:
    node = factory.nodes[0]
    stub = cluster_grpc.ClusterServiceStub(factory.channel(node))
    builder = StreamedReport(check_names())
    start = time.monotonic()
    error = ""
    try:
        async with stub.HealthCheck.open(
            metadata=factory.metadata(node), timeout=timeout + SERVER_CALL_SLACK
        ) as stream:
            await stream.send_message(request, end=True)
            async for message in stream:
                if message.metadata.error:
                    error = f"healthcheck error: {message.metadata.error}"
                    break
                click.echo(message.message, err=True)
                builder.line(message.message, time.monotonic() - start)
    except (GRPCError, OSError, ssl.SSLError, TimeoutError, StreamTerminatedError) as err:
        error = rpc_error_text(err, factory.dialled(node))
    elapsed = time.monotonic() - start
    if output == "json":
        return builder.report(timeout, elapsed, error, elapsed)
    if error:
        raise CLIError(error)
    return None


async def _client_side(
    access: Any, info: ClusterInfo | None, timeout: float, k8s_endpoint: str
) -> HealthReport:
    try:
        if info is None:
            try:
                info = await asyncio.wait_for(discover(access), timeout)
            except (ValueError, TimeoutError) as err:
                raise CLIError(f"error discovering nodes: {err or 'timed out'}") from None
            click.echo(f"discovered nodes: {info.describe()}", err=True)
        return await run_checks(access, info, timeout, TextReporter(), default_checks(k8s_endpoint))
    finally:
        await access.close()


def _finish(report: HealthReport | None, output: str) -> None:
    if report is None:
        return
    if output == "json":
        click.echo(report.json_text())
    if not report.ok:
        raise CLIError(report.failure_text())


@click.command("health")
@click.option(
    "--control-plane-nodes", multiple=True, metavar="NODES", help="specify IPs of control plane nodes"
)
@click.option("--worker-nodes", multiple=True, metavar="NODES", help="specify IPs of worker nodes")
@click.option("--init-node", default="", metavar="NODE", help="specify IPs of init node")
@click.option(
    "--k8s-endpoint", default="", metavar="ENDPOINT", help="use endpoint instead of kubeconfig default"
)
@click.option(
    "--wait-timeout",
    default="20m",
    metavar="DURATION",
    help="timeout to wait for the cluster to be ready (default 20m0s)",
)
@click.option(
    "--server",
    type=click.BOOL,
    default=True,
    is_flag=False,
    flag_value=True,
    metavar="BOOL",
    help="run server-side check (default true)",
)
@click.option("--run-e2e", is_flag=True, help="run Kubernetes e2e test (not supported by pytalos)")
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json"]),
    default="text",
    help="output format (pytalos: json)",
)
@global_options
def cli(
    control_plane_nodes: tuple[str, ...],
    worker_nodes: tuple[str, ...],
    init_node: str,
    k8s_endpoint: str,
    wait_timeout: str,
    server: bool,
    run_e2e: bool,
    output: str,
    **flags: Any,
) -> None:
    """Check cluster health"""
    if run_e2e:
        raise CLIError("--run-e2e is not supported: pytalos nodes run no Kubernetes to test")
    timeout = wait_timeout_seconds(wait_timeout)
    info = flag_info(control_plane_nodes, worker_nodes, init_node)
    args = GlobalArgs.from_click(flags)
    if server:
        factory = ClientFactory.build(args)
        if len(factory.nodes) > 1:
            raise CLIError('command "health" is not supported with multiple nodes')
        request = cluster_pb2.HealthCheckRequest(
            cluster_info=cluster_pb2.ClusterInfo(
                control_plane_nodes=list(info.control_plane_nodes) if info else [],
                worker_nodes=list(info.workers) if info else [],
                force_endpoint=k8s_endpoint,
            )
        )
        request.wait_timeout.FromNanoseconds(int(timeout * 1e9))
        _finish(run(factory, _server_side(factory, request, timeout, output)), output)
        return
    from pytalos.cluster.check import talosconfig_access

    try:
        config = open_config(args.talosconfig)
        access = talosconfig_access(config, args.context, args.endpoints or None)
    except (ConfigError, OSError, ValueError) as err:
        raise CLIError(f"talosconfig: {err}") from err
    _finish(asyncio.run(_client_side(access, info, timeout, k8s_endpoint)), output)
