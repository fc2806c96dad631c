"""``cluster.DiscoveryServiceController``: the node's membership in the discovery service registry.

When cluster discovery is enabled and the service registry is not disabled (Talos's
``cluster.ConfigController`` rules, read here from the config: a ``DiscoveryServiceConfig``
document, else ``cluster.discovery.registries.service``, whose endpoint defaults to
``https://discovery.talos.dev/``; ``http://`` means no TLS), it runs a
:class:`~pytalos.discovery.client.DiscoveryClient` for the cluster id and secret of the config
(``DiscoveryIdentityConfig`` or ``cluster.id``/``cluster.secret``) under the node's identity: the
local ``Affiliates/<nodeId>`` goes out as a ``sidero.discovery.client.Affiliate`` sealed with the
secret (deleted from the service while the machine is resetting), and every other node's affiliate
comes back as ``Affiliates/<its nodeId>`` next to the local one, so the member controller lists the
whole cluster in ``Members``. Talos keeps discovered affiliates in ``cluster-raw`` and merges
registries; with one registry pytalos writes them to ``cluster`` directly.

The client's background task wakes this controller (``rt.notify``) whenever the watch brings a
change; the network is behind :data:`~pytalos.discovery.client.Dial` (a fake in unit tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pytalos.api.gen.discovery.client import affiliate_pb2
from pytalos.discovery.client import ClientOptions, Dial, DiscoveryClient, grpc_dial, service_endpoint
from pytalos.discovery.crypto import DiscoveryCryptoError, decode_cluster_secret
from pytalos.machined.resources import cluster, runtime
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machined.runtime import Input, InputKind, Output, OutputKind, Runtime
from pytalos.machinery.config.generate.constants import DEFAULT_DISCOVERY_ENDPOINT

from .._common import MACHINE_CONFIG_INPUT, config_view, get_spec, put
from ..runtime.version import VERSION_TAG

_MACHINE_STATUS_INPUT = Input(
    runtime.NAMESPACE, runtime.MACHINE_STATUS_TYPE, runtime.MACHINE_STATUS_ID, InputKind.WEAK
)
_IDENTITY_INPUT = Input(cluster.NAMESPACE, cluster.IDENTITY_TYPE, cluster.LOCAL_IDENTITY_ID, InputKind.WEAK)


@dataclass(frozen=True)
class ServiceSettings:
    """Talos's ``cluster.ConfigSpec`` service fields: where to register, as which cluster, with what key."""

    endpoint: str  # host:port
    insecure: bool
    cluster_id: str
    key: bytes


def service_settings(view: ConfigView) -> ServiceSettings | None:
    """The service registry settings, ``None`` when discovery or the service registry is off.

    ``ValueError`` names the setting that cannot be used (endpoint URL, cluster id or secret)."""
    if not view.discovery_enabled:
        return None
    doc: Any = view.container.get("DiscoveryServiceConfig")
    v1: Any = view.container.v1alpha1()
    legacy = v1.cluster_config if v1 is not None else None
    if doc is not None:
        url, where = str(doc.endpoint_url.text), f"DiscoveryServiceConfig {doc.name!r} endpoint"
    else:
        discovery = legacy.cluster_discovery_config if legacy is not None else None
        service = discovery.discovery_registries.registry_service if discovery is not None else None
        if service is not None and service.registry_disabled:
            return None
        url = (service.registry_endpoint if service is not None else "") or DEFAULT_DISCOVERY_ENDPOINT
        where = "cluster.discovery.registries.service.endpoint"
    try:
        endpoint, insecure = service_endpoint(url)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    identity: Any = view.container.get("DiscoveryIdentityConfig")
    secret = str(identity.cluster_secret) if identity is not None and identity.cluster_secret else ""
    if not secret and legacy is not None:
        secret = str(legacy.cluster_secret or "")
    if not view.cluster_id:
        raise ValueError("discovery service: no cluster id (cluster.id or DiscoveryIdentityConfig.clusterID)")
    if not secret:
        raise ValueError("discovery service: no cluster secret (cluster.secret or DiscoveryIdentityConfig)")
    try:
        key = decode_cluster_secret(secret)
    except DiscoveryCryptoError as exc:
        raise ValueError(f"discovery service: {exc}") from None
    return ServiceSettings(endpoint, insecure, view.cluster_id, key)


def affiliate_message(spec: cluster.AffiliateSpec) -> affiliate_pb2.Affiliate:
    """Talos's ``pbAffiliate``: addresses in binary form (``netip.Addr.MarshalBinary``)."""
    return affiliate_pb2.Affiliate(
        node_id=spec.node_id,
        addresses=[ip.packed for ip in spec.addresses],
        hostname=spec.hostname,
        nodename=spec.nodename,
        machine_type=spec.machine_type,
        operating_system=spec.operating_system,
    )


def affiliate_spec(message: affiliate_pb2.Affiliate) -> cluster.AffiliateSpec:
    """Talos's ``specAffiliate``: addresses that do not parse are skipped, types kept as sent."""
    addresses: list[cluster.IP] = []
    for raw in message.addresses:
        with contextlib.suppress(ValueError):
            addresses.append(ipaddress.ip_address(bytes(raw[:16] if len(raw) > 16 else raw)))
    return cluster.AffiliateSpec(
        node_id=message.node_id,
        addresses=tuple(addresses),
        hostname=message.hostname,
        nodename=message.nodename,
        operating_system=message.operating_system,
        machine_type=message.machine_type or "unknown",
    )


class DiscoveryServiceController:
    name = "cluster.DiscoveryServiceController"

    def __init__(self, dial: Dial = grpc_dial) -> None:
        self.dial = dial

    INPUTS = (MACHINE_CONFIG_INPUT, _IDENTITY_INPUT, _MACHINE_STATUS_INPUT)

    def inputs(self) -> Sequence[Input]:
        return list(self.INPUTS)

    def outputs(self) -> Sequence[Output]:
        return [Output(cluster.AFFILIATE_TYPE, OutputKind.SHARED)]

    async def run(self, rt: Runtime, log: logging.Logger) -> None:
        session = _Session(self.dial)
        try:
            while True:
                await rt.next_event()
                await session.step(rt, log)
                rt.reset_restart_backoff()
        finally:
            await session.stop()


class _Session:
    """The controller's state between runs: the client (and its task) for the current settings."""

    def __init__(self, dial: Dial) -> None:
        self.dial = dial
        self.client: DiscoveryClient | None = None
        self.task: asyncio.Task[None] | None = None
        self.options: ClientOptions | None = None
        self.local_id = ""
        self.sent: bytes | None = None
        self.deleting = False

    async def step(self, rt: Runtime, log: logging.Logger) -> None:
        if self.task is not None and self.task.done():
            self.task.result()  # the client never ends on its own: surface why it did
        view = await config_view(rt)
        settings = service_settings(view) if view is not None else None
        identity = await get_spec(rt, cluster.NAMESPACE, cluster.IDENTITY_TYPE, cluster.LOCAL_IDENTITY_ID)
        if identity is not None and identity.node_id != self.local_id:
            self.local_id = identity.node_id
            local = Input(cluster.NAMESPACE, cluster.AFFILIATE_TYPE, self.local_id, InputKind.WEAK)
            rt.update_inputs([*DiscoveryServiceController.INPUTS, local])
        wanted = None
        if settings is not None and identity is not None:
            wanted = ClientOptions(
                endpoint=settings.endpoint,
                insecure=settings.insecure,
                cluster_id=settings.cluster_id,
                affiliate_id=identity.node_id,
                key=settings.key,
                client_version=VERSION_TAG,
            )
        if wanted != self.options:
            await self.stop()
            self.options = wanted
            if wanted is not None:
                log.info("registering with discovery service %s as %s", wanted.endpoint, self.local_id)
                self.client = DiscoveryClient(wanted, self.dial)
                self.task = asyncio.create_task(self.client.run(rt.notify))
        rt.start_tracking_outputs()
        if self.client is not None:
            await self._send_local(rt, self.client)
            for affiliate_id, plaintext in sorted(self.client.affiliates().items()):
                await self._publish(rt, log, affiliate_id, plaintext)
        await rt.cleanup_outputs(cluster.NAMESPACE, cluster.AFFILIATE_TYPE)

    async def _send_local(self, rt: Runtime, client: DiscoveryClient) -> None:
        """Hand the local affiliate to the client when it changed; delete it while resetting."""
        status = await get_spec(rt, runtime.NAMESPACE, runtime.MACHINE_STATUS_TYPE, runtime.MACHINE_STATUS_ID)
        if status is not None and status.stage == runtime.MachineStage.RESETTING:
            if not self.deleting:
                client.delete_local()
                self.deleting, self.sent = True, None
            return
        local = await get_spec(rt, cluster.NAMESPACE, cluster.AFFILIATE_TYPE, self.local_id)
        if local is None:
            return
        data = affiliate_message(local).SerializeToString(deterministic=True)
        if data != self.sent:  # an unchanged affiliate is not re-sent (the watch would echo it back)
            client.set_local(data)
            self.sent, self.deleting = data, False

    async def stop(self) -> None:
        await _stop(self.task)
        self.client, self.task, self.options, self.sent, self.deleting = None, None, None, None, False

    async def _publish(self, rt: Runtime, log: logging.Logger, affiliate_id: str, plaintext: bytes) -> None:
        message = affiliate_pb2.Affiliate()
        try:
            message.ParseFromString(plaintext)
        except Exception as exc:  # protobuf's DecodeError
            log.warning("discovered affiliate %s does not parse: %s", affiliate_id, exc)
            return
        spec = affiliate_spec(message)
        if not spec.node_id or spec.node_id == self.local_id:
            return
        await put(rt, cluster.NAMESPACE, cluster.AFFILIATE_TYPE, spec.node_id, spec)


async def _stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):  # a failed client was reported already
        await task
