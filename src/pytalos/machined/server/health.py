"""``cluster.ClusterService/HealthCheck``: ``talosctl health`` run by machined (the ``--server`` mode).

As Talos's ``HealthCheck`` (``v1alpha1_server.go``): the request carries the wait timeout and the
nodes (control planes, workers; none = discover them from this node, :func:`pytalos.cluster.check.
discover`); the handler sends ``discovered nodes: ["…"]``, then every progress line of the checks
(``waiting for <check>: …``, :class:`~pytalos.cluster.check.LineReporter`) as ``HealthCheckProgress``
messages, and ends OK when every check passed or was skipped. A check still failing at the deadline
ends the call with ``DeadlineExceeded`` naming the check and its last error (Talos: a bare "context
deadline exceeded").

The checks run the same code as talosctl's (:mod:`pytalos.cluster.check`), reaching every node --
this one included -- through the node's own apid on ``127.0.0.1`` with the node's ``os:impersonator``
client certificate (``ApiCertificates/api``) and the caller's roles in ``talos-role`` metadata, so a
reader's health check can do no more than the reader could (Talos does the same over apid's local
socket). A node without that certificate (a worker) answers ``FailedPrecondition``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.authz import caller_roles
from pytalos.api.gen.cluster import cluster_grpc, cluster_pb2
from pytalos.api.server import partial_service
from pytalos.cluster.check import ClusterInfo, LineReporter, NodeAccess, apid_access, discover, run_checks
from pytalos.cluster.check.default import default_checks

from .machine import READ_ROLES, authorize

if TYPE_CHECKING:
    from grpclib._typing import IServable

log = logging.getLogger("pytalos.machined.health")

#: ``talosctl health``'s default ``--wait-timeout``, used when the request carries none
DEFAULT_WAIT_TIMEOUT = 20 * 60.0

AccessFactory = Callable[[Sequence[str]], Awaitable[NodeAccess]]


def requested_info(request: cluster_pb2.HealthCheckRequest) -> ClusterInfo | None:
    nodes = request.cluster_info
    if not nodes.control_plane_nodes and not nodes.worker_nodes:
        return None
    return ClusterInfo(tuple(nodes.control_plane_nodes), tuple(nodes.worker_nodes))


class ClusterApi:
    """``ClusterService``; ``make_access(roles)`` opens the checks' way to the nodes."""

    def __init__(self, make_access: AccessFactory) -> None:
        self.make_access = make_access

    async def HealthCheck(self, stream: Stream[Any, Any]) -> None:
        authorize(stream, READ_ROLES)
        request = await stream.recv_message()
        assert request is not None
        timeout = (
            request.wait_timeout.ToTimedelta().total_seconds()
            if request.HasField("wait_timeout")
            else DEFAULT_WAIT_TIMEOUT
        )
        lines: asyncio.Queue[str | None] = asyncio.Queue()

        async def pump() -> None:
            while (line := await lines.get()) is not None:
                await stream.send_message(cluster_pb2.HealthCheckProgress(message=line))

        access = await self.make_access(list(caller_roles(stream)))
        sender = asyncio.create_task(pump())
        try:
            info = requested_info(request)
            if info is None:
                try:
                    info = await asyncio.wait_for(discover(access), max(timeout, 0.1))
                except (ValueError, TimeoutError) as err:
                    raise GRPCError(
                        Status.UNKNOWN, f"error discovering nodes: {err or 'timed out'}"
                    ) from None
            lines.put_nowait(f"discovered nodes: {info.describe()}")
            checks = default_checks(request.cluster_info.force_endpoint)
            report = await run_checks(access, info, timeout, LineReporter(lines.put_nowait), checks)
        finally:
            await access.close()
            lines.put_nowait(None)
            await sender
        if not report.ok:
            log.info("health check failed: %s", report.failure_text())
            raise GRPCError(Status.DEADLINE_EXCEEDED, report.failure_text())


def local_apid_access(node: Any) -> AccessFactory:
    """Access through ``node``'s (a :class:`~pytalos.machined.node.machined.Machined`) own apid."""

    async def make(roles: Sequence[str]) -> NodeAccess:
        from pytalos.machined.resources import secrets
        from pytalos.machined.runtime import NotFoundError, Pointer

        config = node.configs.active
        machine_ca = config.container.v1alpha1().machine_config.machine_ca if config is not None else None
        state = node.resources.state
        client = None
        if state is not None:
            try:
                found = await state.get(
                    Pointer(secrets.NAMESPACE, secrets.API_CERTIFICATES_TYPE, secrets.API_ID)
                )
                client = found.spec.client
            except NotFoundError:
                client = None
        if machine_ca is None or not machine_ca.crt.data or client is None:
            raise GRPCError(
                Status.FAILED_PRECONDITION,
                "this node has no os:impersonator certificate (ApiCertificates): it cannot reach other "
                "nodes through apid; run the health check against a control plane",
            )
        return apid_access(node.options.api_port, machine_ca.crt.data, client, node.hostname(), roles)

    return make


def cluster_handler(api: Any) -> IServable:
    """``ClusterService`` for the Machine API object ``api`` (its ``node`` is machined)."""
    return partial_service(cluster_grpc.ClusterServiceBase, ClusterApi(local_apid_access(api.node)))
