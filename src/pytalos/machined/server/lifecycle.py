"""``MachineService.Shutdown``, ``Reset``, ``Rollback`` and ``Upgrade``: ending or rebuilding the node.

``Shutdown`` (``os:admin``/``os:operator``) answers with a new actor id, then machined runs the
Shutdown sequence: every service stopped in reverse dependency order, then machined exits cleanly
(``--force``, Talos's "skip cordon/drain", changes nothing: this node runs no kubelet to drain).

``Reset`` (``os:admin``) answers with an actor id, then runs the Reset sequence: services stopped,
the chosen system volumes wiped, then a reboot (``reboot``) or a shutdown. The volumes are Talos's
partition labels: ``system_partitions_to_wipe`` with ``wipe`` set selects some of ``STATE``,
``EPHEMERAL`` and ``META``; none selected means the whole system disk (``STATE`` and ``EPHEMERAL``
here; ``mode: USER_DISKS`` wipes no system volume). In this network-namespace placement a volume is
a folder of the node root, so wiping deletes the contents of ``system/state`` (STATE), ``var``
(EPHEMERAL, keeping ``var/log`` which the running machined writes) or ``meta``
(:mod:`pytalos.machined.node.wipe`); the disk issue turns them into real partitions and wipes those.
A node whose STATE was wiped has no config and comes back (after ``reboot``) in maintenance mode.
Unknown labels answer ``InvalidArgument`` before anything happens, as Talos does for a label it finds
no volume for; ``user_disks_to_wipe`` needs block devices, which this node does not manage yet.
``graceful`` is accepted: leaving etcd before the wipe comes with the etcd management methods.

``Rollback`` and ``Upgrade`` answer ``Unimplemented``: both need the A/B boot partitions that come
with the disk/upgrade issue.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, meta, node_part

log = logging.getLogger("pytalos.machined.server")

_ADMIN = frozenset({"os:admin"})
_ADMIN_OPERATOR = frozenset({"os:admin", "os:operator"})

#: The system volumes a node keeps (Talos's partition labels) and what a full reset wipes.
WIPEABLE_LABELS = ("STATE", "EPHEMERAL", "META")
FULL_RESET_LABELS = frozenset({"STATE", "EPHEMERAL"})

DISK_ISSUE = "needs the A/B boot partitions, which come with the disk/upgrade issue"


class LifecycleNode(Protocol):
    """What these methods ask of machined (:class:`~pytalos.machined.node.machined.Machined`)."""

    def request_shutdown(self, actor_id: str = "") -> None: ...

    def request_reset(
        self, reboot_after: bool = True, labels: Collection[str] | None = None, actor_id: str = ""
    ) -> None: ...


def labels_to_wipe(request: machine_pb2.ResetRequest) -> frozenset[str]:
    """The system volumes ``request`` asks to wipe (see the module docstring); errors are gRPC's."""
    if request.user_disks_to_wipe:
        raise GRPCError(
            Status.INVALID_ARGUMENT,
            f"user disks {list(request.user_disks_to_wipe)} cannot be wiped: this node manages no block "
            "devices yet (the disk issue brings them)",
        )
    if request.system_partitions_to_wipe:
        labels = []
        for spec in request.system_partitions_to_wipe:
            if spec.label not in WIPEABLE_LABELS:
                raise GRPCError(
                    Status.INVALID_ARGUMENT,
                    f'failed to get volume status with label "{spec.label}": resource '
                    f"VolumeStatuses.block.talos.dev(runtime/{spec.label}@undefined) doesn't exist "
                    f"(this node has {', '.join(WIPEABLE_LABELS)})",
                )
            if spec.wipe:
                labels.append(spec.label)
        return frozenset(labels)
    if request.mode == machine_pb2.ResetRequest.USER_DISKS:
        return frozenset()
    return FULL_RESET_LABELS


class LifecycleApi:
    """``Shutdown``, ``Reset``, ``Rollback``, ``Upgrade`` (mixin of ``MachineApi``)."""

    async def Shutdown(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN_OPERATOR)
        request = await stream.recv_message()
        assert request is not None
        shutdown: Callable[[str], None] = node_part(self, "request_shutdown", "shutdown")
        actor_id = str(uuid.uuid4())
        log.info("shutdown via API received. actor id: %s (force: %s)", actor_id, request.force)
        reply = machine_pb2.Shutdown(metadata=meta(self), actor_id=actor_id)
        await stream.send_message(machine_pb2.ShutdownResponse(messages=[reply]))
        await stream.send_trailing_metadata()
        shutdown(actor_id)

    async def Reset(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        request = await stream.recv_message()
        assert request is not None
        reset: Callable[[bool, Collection[str], str], None] = node_part(self, "request_reset", "reset")
        labels = labels_to_wipe(request)
        actor_id = str(uuid.uuid4())
        log.info(
            "reset via API received. actor id: %s (wipe %s, %s, graceful %s)",
            actor_id,
            ",".join(sorted(labels)) or "nothing",
            "reboot" if request.reboot else "shutdown",
            request.graceful,
        )
        reply = machine_pb2.Reset(metadata=meta(self), actor_id=actor_id)
        await stream.send_message(machine_pb2.ResetResponse(messages=[reply]))
        await stream.send_trailing_metadata()
        reset(request.reboot, labels, actor_id)

    async def Rollback(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        await stream.recv_message()
        raise GRPCError(Status.UNIMPLEMENTED, f"rollback {DISK_ISSUE}")

    async def Upgrade(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        await stream.recv_message()
        raise GRPCError(Status.UNIMPLEMENTED, f"upgrade {DISK_ISSUE}")
