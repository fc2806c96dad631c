"""``MachineService.Kubeconfig``: the cluster admin kubeconfig, fresh on every call.

As Talos (``v1alpha1_server.go`` ``Kubeconfig``): control planes only (a worker answers
``Unimplemented: kubeconfig is only available on control plane nodes``), ``os:admin`` only; the
kubeconfig is generated from the node's active machine config (``kubeconfig.GenerateAdmin``: a new
client certificate CN ``admin``, O ``system:masters`` from the Kubernetes CA, lifetime
``cluster.adminKubeconfig.certLifetime``, default one year; cluster/context/user named after the
cluster, server = the control plane endpoint) and sent, like ``Copy``, as a ``.tar.gz`` holding one
file ``kubeconfig`` (mode 0600) in ``common.Data`` chunks.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import tarfile
import time
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machinery.config.container import Container
from pytalos.machinery.kubernetes.certs import CertificateError
from pytalos.machinery.kubernetes.kubeconfig import admin_kubeconfig
from pytalos.machinery.kubernetes.settings import SettingsError, kubernetes_settings

from .observe import check_roles

_ADMIN = frozenset({"os:admin"})
CHUNK = 4096
WORKER_ERROR = "kubeconfig is only available on control plane nodes"


class _Loaded(Protocol):
    @property
    def container(self) -> Container: ...


class _ConfigSource(Protocol):
    def active_config(self) -> _Loaded | None: ...


def targz(name: str, data: bytes, mode: int = 0o600) -> bytes:
    """A gzip'ed tar holding one regular file."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as zipped, tarfile.open(fileobj=zipped, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime, info.type = len(data), mode, int(time.time()), tarfile.REGTYPE
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def kubeconfig_archive(config: Container) -> bytes:
    """The ``Kubeconfig`` reply bytes for ``config`` (errors are gRPC's, naming the cause)."""
    if ConfigView(config).machine_type not in ("controlplane", "init"):
        raise GRPCError(Status.UNIMPLEMENTED, WORKER_ERROR)
    try:
        text = admin_kubeconfig(kubernetes_settings(config))
    except (SettingsError, CertificateError) as err:
        raise GRPCError(Status.FAILED_PRECONDITION, f"admin kubeconfig: {err}") from None
    return targz("kubeconfig", text.encode())


class KubeconfigApi:
    """``Kubeconfig`` (mixin of ``MachineApi``: reads ``applier.runtime``)."""

    async def Kubeconfig(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        await stream.recv_message()
        source: _ConfigSource | None = getattr(getattr(self, "applier", None), "runtime", None)
        active = source.active_config() if source is not None else None
        if active is None:
            raise GRPCError(Status.FAILED_PRECONDITION, "the node has no active machine config")
        data = await asyncio.to_thread(kubeconfig_archive, active.container)
        for start in range(0, len(data), CHUNK):
            await stream.send_message(common_pb2.Data(bytes=data[start : start + CHUNK]))
