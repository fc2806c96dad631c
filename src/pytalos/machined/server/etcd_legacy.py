"""``MachineService.EtcdRemoveMember``: the deprecated by-hostname variant of ``EtcdRemoveMemberByID``.

Talos still serves it (``etcd.Client.RemoveMember``): the member list is read, the member whose name
is the request's ``member`` is removed, and a name not in the list answers ``Unknown: failed to
remove member: failed to find "<name>" in list of etcd members``. Like every etcd method it is only
served on control planes running the etcd service (:class:`~.etcdapi.EtcdApi`'s checks, whose
client and error handling it reuses) and needs ``os:admin`` (Talos's fallback for unlisted methods).
"""

from __future__ import annotations

from typing import Any

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2

from .observe import meta

_ADMIN = frozenset({"os:admin"})


class MemberNotFoundError(Exception):
    """No etcd member has the requested name."""


async def remove_member_by_name(client: Any, name: str) -> int:
    """Remove the member called ``name``; its id. :class:`MemberNotFoundError` when there is none."""
    for member in await client.member_list():
        if member.name == name:
            await client.member_remove(int(member.id))
            return int(member.id)
    raise MemberNotFoundError(f'failed to find "{name}" in list of etcd members')


class EtcdLegacyApi:
    """``EtcdRemoveMember`` (mixin of ``MachineApi``, next to :class:`~.etcdapi.EtcdApi`)."""

    async def EtcdRemoveMember(self, stream: Stream[Any, Any]) -> None:
        api: Any = self  # EtcdApi's _begin/_with_client, through MachineApi's bases
        request = await api._begin(stream, _ADMIN, "etcd remove member")
        assert request is not None

        async def remove(client: Any) -> int:
            try:
                return await remove_member_by_name(client, request.member)
            except MemberNotFoundError as err:
                raise GRPCError(Status.UNKNOWN, f"failed to remove member: {err}") from None

        await api._with_client("failed to remove member", remove)
        reply = machine_pb2.EtcdRemoveMember(metadata=meta(self))
        await stream.send_message(machine_pb2.EtcdRemoveMemberResponse(messages=[reply]))
