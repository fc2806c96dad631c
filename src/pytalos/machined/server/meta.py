"""``MetaWrite`` and ``MetaDelete``: editing the node's META tags (``talosctl meta write|delete``).

As Talos's handlers (``v1alpha1_server.go``): the rules table already admitted ``os:admin`` or
``os:meta:writer``; a key above 255 is ``InvalidArgument "key must be a uint8"``; a value that would
overflow the ADV is ``ResourceExhausted "meta write failed"``; deleting a key that is not set is
``NotFound "meta key not found"``. Every change is written to META before the reply
(:class:`pytalos.machined.node.meta.NodeMeta`). Beyond Talos, a node whose META is not loaded yet
answers ``Unavailable`` saying so (Talos keeps the change in memory only).
"""

from __future__ import annotations

from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from .observe import check_roles, meta

META_ROLES = frozenset({"os:admin", "os:meta:writer"})


class MetaStore(Protocol):
    """What the two methods need (:class:`pytalos.machined.node.meta.NodeMeta`)."""

    async def write(self, tag: int, value: bytes) -> bool: ...

    async def delete(self, tag: int) -> bool: ...


def _key(key: int) -> int:
    if key > 0xFF:
        raise GRPCError(Status.INVALID_ARGUMENT, "key must be a uint8")
    return key


class MetaApi:
    """``MetaWrite``/``MetaDelete`` (mixin of ``MachineApi``); tests set ``meta_store``."""

    meta_store: MetaStore | None = None

    def _meta(self) -> MetaStore:
        store = self.meta_store
        if store is None:
            store = getattr(getattr(self, "node", None), "meta", None)
        if store is None:
            raise GRPCError(Status.UNAVAILABLE, "META is not loaded on this node yet")
        return store

    async def MetaWrite(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, META_ROLES)
        request = await stream.recv_message()
        assert request is not None
        tag = _key(request.key)
        try:
            ok = await self._meta().write(tag, request.value)
        except OSError as err:
            raise GRPCError(Status.INTERNAL, f"META write of key 0x{tag:02x}: {err}") from None
        if not ok:
            raise GRPCError(Status.RESOURCE_EXHAUSTED, "meta write failed")
        reply = machine_pb2.MetaWrite(metadata=meta(self))
        await stream.send_message(machine_pb2.MetaWriteResponse(messages=[reply]))

    async def MetaDelete(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, META_ROLES)
        request = await stream.recv_message()
        assert request is not None
        tag = _key(request.key)
        try:
            ok = await self._meta().delete(tag)
        except OSError as err:
            raise GRPCError(Status.INTERNAL, f"META delete of key 0x{tag:02x}: {err}") from None
        if not ok:
            raise GRPCError(Status.NOT_FOUND, "meta key not found")
        reply = machine_pb2.MetaDelete(metadata=meta(self))
        await stream.send_message(machine_pb2.MetaDeleteResponse(messages=[reply]))
