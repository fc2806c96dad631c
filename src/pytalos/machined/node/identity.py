"""The node's hostname and addresses as machined's own code needs them: read from the controllers.

machined does not compute a name or pick addresses itself; the network controllers publish them and
every consumer reads the same values (Talos does the same):

* ``HostnameStatuses.net.talos.dev/hostname`` (``network.HostnameStatusController``): the configured
  hostname, else the stable ``talos-xxx-yyy`` or the address-based default. It exists only once a
  config is active;
* ``NodeAddresses.net.talos.dev/routed`` (``network.NodeAddressController``): the addresses etcd
  advertises and the API server certificate names in normal mode (non-empty: a node without a
  routable address cannot serve its cluster); ``/current`` in maintenance mode, where it may be empty.

Consumers: the reply metadata hostname (:meth:`NodeNames.hostname`, kept current by
:meth:`NodeNames.follow`), etcd's certificates and flags and the normal-mode API certificate
(:meth:`NodeNames.identity`), the maintenance certificate (:meth:`NodeNames.maintenance`). Waits
have a timeout and fail with :class:`IdentityUnavailableError` naming the missing resource and its
publisher. :class:`StaticAddresses` is the one override: fixed addresses given on machined's command
line (``--address``) replace ``NodeAddresses`` for those certificates and etcd.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from pytalos.machined.etcd.pki import NodeIdentity
from pytalos.machined.resources import network
from pytalos.machined.runtime import EventType, Pointer, Resource, State, WatchTimeoutError

IP = ipaddress.IPv4Address | ipaddress.IPv6Address

#: How long boot waits for the controllers to publish the hostname and addresses.
DEFAULT_IDENTITY_TIMEOUT = 60.0

HOSTNAME = Pointer(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID)
ROUTED = Pointer(network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_ROUTED_ID)
CURRENT = Pointer(network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_CURRENT_ID)

_PUBLISHERS = {
    network.HOSTNAME_STATUS_TYPE: "network.HostnameStatusController, once a config is active",
    network.NODE_ADDRESS_TYPE: "network.NodeAddressController, from the netns's links and addresses",
}


class IdentityUnavailableError(RuntimeError):
    """A resource machined needs for its name or addresses did not appear in time."""


class StaticAddresses:
    """Fixed node addresses replacing ``NodeAddresses`` (machined's ``--address``)."""

    def __init__(self, addresses: list[IP]) -> None:
        self._addresses = list(addresses)

    async def addresses(self) -> list[IP]:
        return list(self._addresses)


class NodeNames:
    """Reads the hostname/addresses resources of ``state`` (see the module docstring).

    ``why_missing`` adds context to a timeout (e.g. that the controller runtime is not running)."""

    def __init__(
        self,
        state: State,
        *,
        timeout: float = DEFAULT_IDENTITY_TIMEOUT,
        fixed: StaticAddresses | None = None,
        why_missing: Callable[[], str] = lambda: "",
    ) -> None:
        self.state = state
        self.timeout = timeout
        self.fixed = fixed
        self.why_missing = why_missing
        self._hostname = ""

    def hostname(self) -> str:
        """The hostname last published, ``""`` while there is none (maintenance mode)."""
        return self._hostname

    async def follow(self) -> None:
        """Keep :meth:`hostname` equal to the resource; runs until cancelled."""
        async with self.state.watch(HOSTNAME) as watch:
            async for event in watch:
                if event.type in (EventType.CREATED, EventType.UPDATED) and event.resource is not None:
                    self._hostname = event.resource.spec.hostname
                elif event.type is EventType.DESTROYED:
                    self._hostname = ""

    async def _wait(self, ptr: Pointer, condition: Callable[[Any], bool], what: str) -> Any:
        try:
            res = await self.state.watch_for(
                ptr, lambda r: r is not None and condition(r.spec), timeout=self.timeout
            )
        except WatchTimeoutError:
            current = await self._get(ptr)
            seen = f"it is {current.spec}" if current is not None else "it does not exist"
            extra = self.why_missing()
            raise IdentityUnavailableError(
                f"node identity: {ptr.type}/{ptr.id} {what} within {self.timeout:g}s ({seen}; published by "
                f"{_PUBLISHERS.get(ptr.type, 'the controllers')}){f': {extra}' if extra else ''}"
            ) from None
        assert res is not None
        return res.spec

    async def _get(self, ptr: Pointer) -> Resource[Any] | None:
        try:
            return await self.state.get(ptr)
        except Exception:
            return None

    async def _addresses(self, ptr: Pointer, *, non_empty: bool) -> list[IP]:
        if self.fixed is not None:
            return await self.fixed.addresses()
        what = "has no address" if non_empty else "was not published"
        spec: network.NodeAddressSpec = await self._wait(
            ptr, lambda s: bool(s.addresses) or not non_empty, what
        )
        return spec.ips()

    async def identity(self) -> NodeIdentity:
        """Hostname, domain and routed addresses; waits until all are published."""
        status: network.HostnameStatusSpec = await self._wait(
            HOSTNAME, lambda s: bool(s.hostname), "was not published"
        )
        self._hostname = status.hostname
        addresses = await self._addresses(ROUTED, non_empty=True)
        return NodeIdentity(status.hostname, addresses, status.domainname)

    async def maintenance(self) -> NodeIdentity:
        """Maintenance mode: the current addresses (maybe none) and the hostname if there is one."""
        addresses = await self._addresses(CURRENT, non_empty=False)
        current = await self._get(HOSTNAME)
        status = current.spec if current is not None else network.HostnameStatusSpec()
        return NodeIdentity(status.hostname, addresses, status.domainname)
