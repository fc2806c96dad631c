"""``network.HostnameStatusController``: the node's hostname from the config or Talos's defaults.

Layers, highest first (Talos's HostnameConfig + HostnameMerge controllers in one):

1. the configured hostname (``HostnameConfig.hostname`` or ``machine.network.hostname``), split
   into host and domain at the first dot; an invalid one (longer than 253, a label over 63) is
   logged and ignored;
2. the stable default (``HostnameConfig.auto: stable`` or ``machine.features.stableHostname``):
   ``talos-xxx-yyy`` from a hash of the node id (``Identities/local``), the same value as Talos;
3. the address default: ``talos-10-5-0-2`` from ``NodeAddresses/default`` (``:`` dropped for IPv6).

Without a machine config there is no hostname (Talos in maintenance mode has none either). The
kernel's hostname is not set: nodes placed in network namespaces share the host's UTS namespace;
``HostnameStatuses/hostname`` is what the rest of machined uses.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from pytalos.machined.resources import cluster, network
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machined.runtime import Input, InputKind, Output, Reconciler, Runtime

from .._common import MACHINE_CONFIG_INPUT, config_view, get_spec, put, remove

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(data: bytes) -> str:
    """Big-endian base36 with one ``0`` per leading zero byte (``martinlindhe/base36.EncodeBytes``)."""
    value = int.from_bytes(data, "big")
    digits = ""
    while value > 0:
        value, rem = divmod(value, 36)
        digits = _B36[rem] + digits
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "0" * zeros + digits


def stable_hostname(node_id: str) -> str:
    """Talos's ``getStableDefault``: ``talos-`` + two triples of base36(sha256(node id)[:8])."""
    b36 = base36(hashlib.sha256(node_id.encode()).digest()[:8])
    return f"talos-{b36[1:4]}-{b36[4:7]}"


def address_hostname(address: network.IP) -> str:
    return "talos-" + str(address).replace(":", "").replace(".", "-")


class HostnameError(ValueError):
    pass


def parse_fqdn(fqdn: str) -> network.HostnameStatusSpec:
    """``HostnameSpecSpec.ParseFQDN``."""
    if len(fqdn) > 253:
        raise HostnameError(f"fqdn is too long: {len(fqdn)}")
    hostname, _, domainname = fqdn.partition(".")
    if len(hostname) > 63:
        raise HostnameError(f"hostname is too long: {len(hostname)}")
    return network.HostnameStatusSpec(hostname, domainname)


class HostnameStatusController(Reconciler):
    name = "network.HostnameStatusController"

    def inputs(self) -> Sequence[Input]:
        return [
            MACHINE_CONFIG_INPUT,
            Input(
                network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_DEFAULT_ID, InputKind.WEAK
            ),
            Input(cluster.NAMESPACE, cluster.IDENTITY_TYPE, cluster.LOCAL_IDENTITY_ID, InputKind.WEAK),
        ]

    def outputs(self) -> Sequence[Output]:
        return [Output(network.HOSTNAME_STATUS_TYPE)]

    async def reconcile(self, rt: Runtime, log: logging.Logger) -> None:
        view = await config_view(rt)
        spec = await self._hostname(rt, view, log) if view is not None else None
        if spec is None:
            await remove(rt, network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID)
        else:
            await put(rt, network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, spec)

    async def _hostname(
        self, rt: Runtime, view: ConfigView, log: logging.Logger
    ) -> network.HostnameStatusSpec | None:
        if view.hostname:
            try:
                return parse_fqdn(view.hostname)
            except HostnameError as exc:
                log.warning("ignoring configured hostname %r: %s", view.hostname[:80], exc)
        if view.stable_hostname:
            identity = await get_spec(rt, cluster.NAMESPACE, cluster.IDENTITY_TYPE, cluster.LOCAL_IDENTITY_ID)
            if identity is None or not identity.node_id:
                return None
            return network.HostnameStatusSpec(stable_hostname(identity.node_id))
        default = await get_spec(
            rt, network.NAMESPACE, network.NODE_ADDRESS_TYPE, network.NODE_ADDRESS_DEFAULT_ID
        )
        if default is None or len(default.addresses) != 1:
            return None
        return network.HostnameStatusSpec(address_hostname(default.addresses[0].ip))
