"""The Machine API in normal mode (mTLS, client certificates from the OS CA).

Served here: ``Version`` (Talos reply shape, hostname in the metadata), ``ServiceList`` (from the
supervisor), ``ApplyConfiguration`` (:mod:`.apply`) and ``Reboot``; the observability and file methods
come from the mixins in :mod:`.observe`, :mod:`.logs`, :mod:`.events` and :mod:`.files`. Methods no
module implements answer ``Unimplemented``.

The servers enforce Talos's complete rules table before a handler runs (:mod:`pytalos.api.authz`,
installed by :mod:`.listener`); :func:`authorize` is the handlers' own check on top (Talos's handlers
do the same for e.g. ``ApplyConfiguration``), reading the roles the authz listener decided -- the
client certificate's, or ``talos-role`` from apid on the local socket.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.authz import caller_roles
from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.system.service_runner import ServiceInfo

from . import convert
from .apply import Applier, ApplyError, Mode
from .bootstrap import BootstrapApi
from .clientconfig import ClientConfigApi
from .containers import ContainersApi
from .cpufreq import CPUFreqApi
from .etcd_legacy import EtcdLegacyApi
from .etcdapi import EtcdApi
from .events import EventsApi
from .files import FilesApi
from .genconfig import GenerateConfigApi
from .images import ImagesApi
from .kubeconfig import KubeconfigApi
from .lifecycle import LifecycleApi
from .logs import LogsApi
from .meta import MetaApi
from .netstat import NetstatApi
from .observe import ObserveApi
from .servicectl import ServiceControlApi

log = logging.getLogger("pytalos.machined.server")

ADMIN = "os:admin"
OPERATOR = "os:operator"
READER = "os:reader"
READ_ROLES = frozenset({ADMIN, OPERATOR, READER})


class NodeApi(Protocol):
    """What the Machine API needs from machined."""

    def hostname(self) -> str: ...

    def service_list(self) -> list[ServiceInfo]: ...

    def request_reboot(self, actor_id: str) -> None: ...


def authorize(stream: Stream[Any, Any], allowed: Collection[str]) -> None:
    """``PermissionDenied: not authorized`` unless the caller has one of the ``allowed`` roles."""
    if not set(caller_roles(stream)) & set(allowed):
        raise GRPCError(Status.PERMISSION_DENIED, "not authorized")


class MachineApi(
    ObserveApi,
    LogsApi,
    EventsApi,
    FilesApi,
    NetstatApi,
    EtcdApi,
    BootstrapApi,
    LifecycleApi,
    ClientConfigApi,
    GenerateConfigApi,
    ServiceControlApi,
    ContainersApi,
    KubeconfigApi,
    ImagesApi,
    CPUFreqApi,
    EtcdLegacyApi,
    MetaApi,
):
    """MachineService methods served in normal mode (see the module docstring)."""

    def __init__(self, node: NodeApi, applier: Applier) -> None:
        self.node = node
        self.applier = applier

    async def Version(self, stream: Stream[Any, Any]) -> None:
        authorize(stream, READ_ROLES)
        await stream.recv_message()
        await stream.send_message(convert.version_reply(self.node.hostname()))

    async def ServiceList(self, stream: Stream[Any, Any]) -> None:
        authorize(stream, READ_ROLES)
        await stream.recv_message()
        await stream.send_message(convert.service_list_reply(self.node.hostname(), self.node.service_list()))

    async def ApplyConfiguration(self, stream: Stream[Any, Any]) -> None:
        authorize(stream, {ADMIN})
        request = await stream.recv_message()
        assert request is not None
        timeout = (
            request.try_mode_timeout.ToTimedelta().total_seconds()
            if request.HasField("try_mode_timeout")
            else None
        )
        try:
            result = await self.applier.apply(
                request.data, Mode(request.mode), dry_run=request.dry_run, try_timeout=timeout
            )
        except ApplyError as err:
            raise GRPCError(err.status, err.message) from None
        except ValueError as err:
            raise GRPCError(Status.INVALID_ARGUMENT, str(err)) from None
        log.info("apply config request: mode %s", result.mode.cli)
        reply = machine_pb2.ApplyConfiguration(
            metadata=convert.metadata(self.node.hostname()),
            warnings=result.warnings,
            mode=machine_pb2.ApplyConfigurationRequest.Mode.Name(result.mode),
            mode_details=result.details,
        )
        await stream.send_message(machine_pb2.ApplyConfigurationResponse(messages=[reply]))
        await stream.send_trailing_metadata()
        if result.reboot:
            self.node.request_reboot("")

    async def Reboot(self, stream: Stream[Any, Any]) -> None:
        authorize(stream, {ADMIN, OPERATOR})
        await stream.recv_message()
        actor_id = str(uuid.uuid4())
        log.info("reboot via API received. actor id: %s", actor_id)
        reply = machine_pb2.Reboot(metadata=convert.metadata(self.node.hostname()), actor_id=actor_id)
        await stream.send_message(machine_pb2.RebootResponse(messages=[reply]))
        await stream.send_trailing_metadata()
        self.node.request_reboot(actor_id)
