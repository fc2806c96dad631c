"""``Bootstrap`` and ``EtcdRecover``: turning a waiting control plane into the first etcd member
(``talosctl bootstrap [--recover-from FILE]``).

``Bootstrap`` (admin only, Talos's rules table) answers, checking in this order:

* ``FailedPrecondition "bootstrap can only be performed on a control plane node"`` on a worker;
* ``FailedPrecondition`` naming the missing etcd CA when the config has none (no ``etcd`` service);
* ``FailedPrecondition "bootstrap is not available yet"`` before the boot reached its services
  (Talos's ``IsBootstrapAllowed``: stage Booting or Running);
* ``AlreadyExists "etcd data directory is not empty"`` when ``var/lib/etcd`` holds anything, and
  ``AlreadyExists "etcd bootstrap is already in progress"`` while an earlier Bootstrap's etcd starts;
* with ``recover_etcd``, ``FailedPrecondition`` when no snapshot was uploaded (beyond Talos, whose etcd
  service would fail later with the same cause).

Then etcd is stopped and replaced by a bootstrap start (:meth:`EtcdService.with_mode`, Talos's
``BootstrapEtcd`` task: ``initial-cluster-state=new``, ``initial-cluster=<name>=<peer urls>``, or a
restore of the uploaded snapshot first) before the reply; etcd's own start continues in the background
(``talosctl services``/``etcd status`` show it). Talos does not check time sync here (pytalos nodes use
the host clock).

``EtcdRecover`` (client stream of ``common.Data``) stores the chunks at ``var/lib/etcd.snapshot`` (a
temporary file renamed into place once complete, mode 0600). It answers ``Unimplemented`` off a control
plane (Talos's ``checkControlplane``) and ``FailedPrecondition "etcd service is not ready for
recovery"`` unless etcd waits to be bootstrapped or joined (empty data directory, no member running).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, meta

log = logging.getLogger("pytalos.machined.server.bootstrap")

ADMIN = frozenset({"os:admin"})
CONTROL_PLANE = ("controlplane", "init")


class BootstrapAccess(Protocol):
    """What the two methods need from the node (:class:`NodeBootstrap`; a double in unit tests)."""

    def machine_type(self) -> str: ...

    def etcd_loaded(self) -> bool: ...

    def boot_reached(self) -> bool: ...

    def data_dir(self) -> Path: ...

    def snapshot_path(self) -> Path: ...

    def etcd_starting_bootstrap(self) -> bool:
        """An earlier Bootstrap's etcd is starting or running."""
        ...

    def etcd_running(self) -> bool: ...

    async def restart_etcd(self, recover: bool, skip_hash_check: bool) -> None: ...


class NodeBootstrap:
    """:class:`BootstrapAccess` over machined (its status, supervisor and node layout)."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.node = api.node

    def machine_type(self) -> str:
        runtime = getattr(getattr(self.api, "applier", None), "runtime", None)
        loaded = runtime.active_config() if runtime is not None else None
        machine = getattr(loaded.container.v1alpha1(), "machine_config", None) if loaded else None
        return str(getattr(machine, "machine_type", "") or "")

    def _runner(self) -> Any:
        system = getattr(self.node, "system", None)
        return system.runner_for("etcd") if system is not None else None

    def etcd_loaded(self) -> bool:
        return self._runner() is not None

    def boot_reached(self) -> bool:
        from pytalos.machined.node.events import MachineStage

        status = getattr(self.node, "status", None)
        return status is not None and status.stage in (MachineStage.BOOTING, MachineStage.RUNNING)

    def data_dir(self) -> Path:
        return Path(self.node.layout.etcd.data_dir)

    def snapshot_path(self) -> Path:
        return Path(self.node.layout.etcd.recovery_snapshot)

    def etcd_starting_bootstrap(self) -> bool:
        runner = self._runner()
        if runner is None or runner.state.terminal:
            return False
        service = runner.service
        return bool(getattr(getattr(service, "mode", None), "bootstrap", False))

    def etcd_running(self) -> bool:
        from pytalos.machined.system.events import ServiceState

        runner = self._runner()
        return runner is not None and runner.state is ServiceState.RUNNING

    async def restart_etcd(self, recover: bool, skip_hash_check: bool) -> None:
        from pytalos.machined.services.etcd import StartMode

        system = self.node.system
        service = system.runner_for("etcd").service
        replacement = service.with_mode(StartMode(True, recover, skip_hash_check))
        await system.unload("etcd")
        system.load_and_start(replacement)


def _empty(path: Path) -> bool:
    return not path.is_dir() or not any(path.iterdir())


class BootstrapApi:
    """``Bootstrap`` and ``EtcdRecover`` (mixin of ``MachineApi``); tests set ``bootstrap_access``."""

    bootstrap_access: BootstrapAccess | None = None
    _bootstrap_lock: asyncio.Lock | None = None

    def _bootstrap(self) -> BootstrapAccess:
        return self.bootstrap_access if self.bootstrap_access is not None else NodeBootstrap(self)

    def _lock(self) -> asyncio.Lock:
        if self._bootstrap_lock is None:
            self._bootstrap_lock = asyncio.Lock()
        return self._bootstrap_lock

    async def Bootstrap(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, ADMIN)
        request = await stream.recv_message()
        assert request is not None
        log.info("bootstrap request received (recover %s)", request.recover_etcd)
        access = self._bootstrap()
        async with self._lock():
            if access.machine_type() not in CONTROL_PLANE:
                raise GRPCError(
                    Status.FAILED_PRECONDITION, "bootstrap can only be performed on a control plane node"
                )
            if not access.etcd_loaded():
                raise GRPCError(
                    Status.FAILED_PRECONDITION,
                    "bootstrap is not available: the machine config has no etcd CA (cluster.etcd.ca), "
                    'so the "etcd" service is not registered on this node',
                )
            if not access.boot_reached():
                raise GRPCError(Status.FAILED_PRECONDITION, "bootstrap is not available yet")
            if not await asyncio.to_thread(_empty, access.data_dir()):
                raise GRPCError(Status.ALREADY_EXISTS, "etcd data directory is not empty")
            if access.etcd_starting_bootstrap():
                raise GRPCError(Status.ALREADY_EXISTS, "etcd bootstrap is already in progress")
            snapshot = access.snapshot_path()
            if request.recover_etcd and not snapshot.is_file():
                raise GRPCError(
                    Status.FAILED_PRECONDITION,
                    f"etcd recovery snapshot {snapshot} not found: upload it with EtcdRecover first",
                )
            try:
                await access.restart_etcd(request.recover_etcd, request.recover_skip_hash_check)
            except Exception as err:
                raise GRPCError(Status.INTERNAL, f"failed to start etcd in bootstrap mode: {err}") from None
        log.info(
            "etcd restarted in bootstrap mode%s",
            " (recovering from snapshot)" if request.recover_etcd else "",
        )
        reply = machine_pb2.Bootstrap(metadata=meta(self))
        await stream.send_message(machine_pb2.BootstrapResponse(messages=[reply]))

    async def EtcdRecover(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, ADMIN)
        access = self._bootstrap()
        if access.machine_type() not in CONTROL_PLANE:
            raise GRPCError(Status.UNIMPLEMENTED, "etcd recover is only available on control plane nodes")
        if not access.etcd_loaded():
            raise GRPCError(
                Status.UNIMPLEMENTED,
                'etcd recover is not available: "etcd" service is not registered on this node',
            )
        if access.etcd_running() or not _empty(access.data_dir()):
            raise GRPCError(Status.FAILED_PRECONDITION, "etcd service is not ready for recovery")
        path = access.snapshot_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        size = 0
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o600)
                async for message in stream:
                    fh.write(message.bytes)
                    size += len(message.bytes)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        log.info("etcd recovery snapshot stored at %s (%d bytes)", path, size)
        reply = machine_pb2.EtcdRecover(metadata=meta(self))
        await stream.send_message(machine_pb2.EtcdRecoverResponse(messages=[reply]))
