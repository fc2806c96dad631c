"""``MachineService.ImageList``, ``ImagePull`` and ``Restart``: images and containers of containerd.

``ImageList`` (``os:admin``/``os:operator``/``os:reader``) streams one ``ImageListResponse`` per
image of the namespace -- name, target digest, size for this platform, creation time -- read with
:class:`~pytalos.machined.containerd.images.ImageClient` (containerd's Images API and content store).
``ImagePull`` (``os:admin``/``os:operator``) pulls a reference unless the namespace already has it
(Talos's ``WithSkipIfAlreadyPulled``); containerd has no server-side pull, so it runs containerd's
client, ``ctr images pull``, whose failure (no registry is reachable from these machines) comes back
as ``Unknown: error pulling image "<ref>" into containerd namespace "<ns>": <ctr's reason>``. Bare
references are normalised like Docker's (``alpine`` → ``docker.io/library/alpine:latest``).

Namespaces are Talos's ``containerdNamespaceHelper``: ``NS_SYSTEM`` → ``system``, ``NS_CRI`` →
``k8s.io``, anything else ``Unimplemented: unsupported namespace``. Talos keeps both in its CRI
containerd; a pytalos node runs only the system containerd, which serves both namespaces here.

``Restart`` (``os:admin``/``os:operator``, ``talosctl restart <id> [-k]``) is Talos's: the
container's task gets SIGTERM (its supervisor -- kubelet, or the service runner -- starts it again);
an unknown id answers ``Unknown: container "<id>" not found``. ``-k`` (``k8s.io``/CRI) needs the CRI
containerd, which this node does not run (``NotFound``, as ``Containers``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.containerd.client import ContainerdHealthError
from pytalos.machined.containerd.images import ContentStore, ImageClient

from .containers import K8S_NAMESPACE, SYSTEM_NAMESPACE, ContainerRuntimeError, CtrCli, system_namespace
from .observe import check_roles, meta, node_part

_READ = frozenset({"os:admin", "os:operator", "os:reader"})
_ADMIN_OPERATOR = frozenset({"os:admin", "os:operator"})
PULL_TIMEOUT = 300.0
NAMESPACES: dict[int, str] = {common_pb2.NS_SYSTEM: SYSTEM_NAMESPACE, common_pb2.NS_CRI: K8S_NAMESPACE}


def containerd_namespace(value: int) -> str:
    """Talos's ``containerdNamespaceHelper``."""
    found = NAMESPACES.get(value)
    if found is None:
        raise GRPCError(Status.UNIMPLEMENTED, "unsupported namespace")
    return found


def normalize_reference(ref: str) -> str:
    """Docker's ``ParseDockerRef``: domain ``docker.io`` (and ``library/``) and tag ``latest`` added."""
    name, digest = ref.split("@", 1) if "@" in ref else (ref, "")
    first, _, rest = name.partition("/")
    if not rest or ("." not in first and ":" not in first and first != "localhost"):
        name = f"docker.io/{name if rest else 'library/' + name}"
    if digest:
        return f"{name}@{digest}"
    if not re.search(r":[^/]+$", name):
        name += ":latest"
    return name


class CtrActions(CtrCli):
    """The ``ctr`` commands these methods run (pull, kill) on top of the listing ones."""

    async def pull(self, address: Path, namespace: str, reference: str) -> None:
        await self._run(address, namespace, "images", "pull", reference)

    async def kill(self, address: Path, namespace: str, container_id: str, signal: str = "SIGTERM") -> None:
        await self._run(address, namespace, "tasks", "kill", "--signal", signal, container_id)


def _timestamp(seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


class ImagesApi:
    """``ImageList``, ``ImagePull``, ``Restart`` (mixin of ``MachineApi``); :attr:`ctr` is replaceable."""

    ctr: CtrActions = CtrActions(timeout=PULL_TIMEOUT)

    def _instance(self) -> Any:
        return node_part(self, "layout", "its containerd").containerd

    async def ImageList(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _READ)
        request = await stream.recv_message()
        assert request is not None
        namespace = containerd_namespace(request.namespace)
        instance = self._instance()
        try:
            client = ImageClient(instance.address)
            async with client:
                images = await client.list_images(namespace)
            store = ContentStore(instance.root)
            sized = [(image, store.image_size(image.target)) for image in images]
        except ContainerdHealthError as err:
            raise GRPCError(Status.INTERNAL, str(err)) from None
        for image, size in sorted(sized, key=lambda item: item[0].name):
            await stream.send_message(
                machine_pb2.ImageListResponse(
                    metadata=meta(self),
                    name=image.name,
                    digest=image.target.digest,
                    size=size,
                    created_at=_timestamp(image.created_at),
                )
            )

    async def ImagePull(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN_OPERATOR)
        request = await stream.recv_message()
        assert request is not None
        namespace = containerd_namespace(request.namespace)
        if not request.reference:
            raise GRPCError(Status.INVALID_ARGUMENT, "image reference is required")
        reference = normalize_reference(request.reference)
        instance = self._instance()
        try:
            client = ImageClient(instance.address)
            async with client:
                present = {image.name for image in await client.list_images(namespace)}
        except ContainerdHealthError as err:
            raise GRPCError(Status.INTERNAL, str(err)) from None
        if reference not in present:
            try:
                await self.ctr.pull(instance.address, namespace, reference)
            except ContainerRuntimeError as err:
                raise GRPCError(
                    Status.UNKNOWN,
                    f'error pulling image "{reference}" into containerd namespace "{namespace}": {err}',
                ) from None
        reply = machine_pb2.ImagePull(metadata=meta(self))
        await stream.send_message(machine_pb2.ImagePullResponse(messages=[reply]))

    async def Restart(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN_OPERATOR)
        request = await stream.recv_message()
        assert request is not None
        namespace = system_namespace(request)
        address = self._instance().address
        try:
            tasks = await self.ctr.tasks(address, namespace)
            if request.id not in {t.id for t in tasks}:
                raise GRPCError(Status.UNKNOWN, f'container "{request.id}" not found')
            await self.ctr.kill(address, namespace, request.id)
        except ContainerRuntimeError as err:
            raise GRPCError(Status.UNKNOWN, str(err)) from None
        reply = machine_pb2.Restart(metadata=meta(self))
        await stream.send_message(machine_pb2.RestartResponse(messages=[reply]))
