"""``MachineService.GenerateConfiguration`` (deprecated in Talos, still served): a config for a new node.

A control plane hands out a machine config of the requested type (``init``, ``controlplane`` or
``worker``) for the cluster named in the request, carrying *this cluster's* secrets: the bundle is
rebuilt from the node's active config (:meth:`SecretsBundle.from_controlplane_config`, Talos's
``NewBundleFromConfig``) and fed to the same generator ``talosctl gen config`` uses, for the current
version contract.  The reply holds the config (encoded with all comments, like Talos's ``Bytes()``) and
an admin talosconfig whose only endpoint is the host of the requested control-plane endpoint.
``override_time`` fixes the bundle's clock, so the talosconfig's client certificate starts then.

Request options as Talos maps them: install disk/image, DNS domain, scheduling on control planes,
Kubernetes version (empty: the default, where Talos would write ``:v`` image tags), and
``machine.network`` (hostname and interfaces, with DHCP/ignore always explicit).  Where the generated
config has a ``HostnameConfig`` document the requested hostname goes there (v1alpha1's
``machine.network.hostname`` would conflict with it).  CNI: flannel (the default) or ``custom`` with one
manifest URL; others are refused with ``InvalidArgument``.

Only ``os:admin`` may call it.  Talos answers its refusals with plain errors (gRPC ``Unknown``); here
they carry a status that says what went wrong, with Talos's texts: a worker node
(``FailedPrecondition``), a request without machine/cluster/control-plane sections or with another
``config_version`` than ``v1alpha1`` (``InvalidArgument``), a config that lacks a secret
(``FailedPrecondition``, naming the field).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, Protocol

from grpclib.const import Status
from grpclib.exceptions import GRPCError
from grpclib.server import Stream

from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.resources.config_view import ConfigView
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.generate import (
    DEFAULT_KUBERNETES_VERSION,
    TYPE_CONTROL_PLANE,
    TYPE_INIT,
    TYPE_WORKER,
    GenerateError,
    Input,
    generate,
    talosconfig,
)
from pytalos.machinery.config.types.common.neturl import GoURL, GoURLError
from pytalos.machinery.config.types.network.host import HostnameConfigV1Alpha1
from pytalos.machinery.config.types.v1alpha1.network import Device, DHCPOptions, NetworkConfig, Route
from pytalos.machinery.secrets.bundle import SecretsBundle, SecretsBundleError

from .observe import check_roles, meta

_ADMIN = frozenset({"os:admin"})

WORKER_ERROR = "config can't be generated on worker nodes"
INVALID_REQUEST = "invalid generate request"
CONFIG_VERSION = "v1alpha1"

_TYPES = {
    machine_pb2.MachineConfig.TYPE_INIT: TYPE_INIT,
    machine_pb2.MachineConfig.TYPE_CONTROL_PLANE: TYPE_CONTROL_PLANE,
    machine_pb2.MachineConfig.TYPE_WORKER: TYPE_WORKER,
}


class _Loaded(Protocol):
    @property
    def container(self) -> Container: ...


class _ConfigSource(Protocol):
    def active_config(self) -> _Loaded | None: ...


def _invalid(message: str) -> GRPCError:
    return GRPCError(Status.INVALID_ARGUMENT, message)


def secrets_of(active: Container | None, now: datetime) -> SecretsBundle:
    """The node's bundle (a fresh one when it has no config, as Talos's maintenance mode does)."""
    if active is None:
        bundle = SecretsBundle.generate(now=now)
        bundle.fixed_time = now
        return bundle
    try:
        return SecretsBundle.from_controlplane_config(active, "active machine config", now=now)
    except SecretsBundleError as exc:
        raise GRPCError(Status.FAILED_PRECONDITION, f"reading the cluster secrets: {exc}") from None


def build_input(request: Any, bundle: SecretsBundle) -> Input:
    """``generate.Input`` from the request's cluster and machine sections (Talos's option mapping)."""
    cluster, machine = request.cluster_config, request.machine_config
    options: dict[str, Any] = {
        "allow_scheduling_on_control_planes": cluster.allow_scheduling_on_control_planes,
        "kubernetes_version": machine.kubernetes_version or DEFAULT_KUBERNETES_VERSION,
    }
    if machine.HasField("install_config"):
        options["install_disk"] = machine.install_config.install_disk
        options["install_image"] = machine.install_config.install_image
    if cluster.HasField("cluster_network"):
        network = cluster.cluster_network
        if network.dns_domain:
            options["dns_domain"] = network.dns_domain
        if network.HasField("cni_config"):
            options["custom_cni_url"] = _custom_cni_url(network.cni_config)
    return Input(cluster.name, cluster.control_plane.endpoint, secrets_bundle=bundle, **options)


def _custom_cni_url(cni: Any) -> str:
    urls = list(cni.urls)
    if cni.name in ("", "flannel") and not urls:
        return ""
    if cni.name == "custom" and len(urls) == 1:
        return str(urls[0])
    raise _invalid(
        f"cluster_network.cni_config: CNI {cni.name!r} with {len(urls)} URL(s) is not supported by this node "
        "(flannel, or custom with one manifest URL)"
    )


def network_config(request_network: Any) -> NetworkConfig:
    """``machine.network`` from the request: hostname and interfaces (``dhcp``/``ignore`` explicit)."""
    devices = []
    for dev in request_network.interfaces:
        device = Device(
            device_interface=dev.interface,
            device_cidr=dev.cidr,
            device_mtu=dev.mtu,
            device_dhcp=dev.dhcp,
            device_ignore=dev.ignore,
            device_routes=[
                Route(route_network=r.network, route_gateway=r.gateway, route_metric=r.metric)
                for r in dev.routes
            ],
        )
        if dev.HasField("dhcp_options"):
            device.device_dhcp_options = DHCPOptions(dhcp_route_metric=dev.dhcp_options.route_metric)
        devices.append(device)
    return NetworkConfig(network_hostname=request_network.hostname, network_interfaces=devices)


def _apply_network(config: Container, request_network: Any) -> None:
    network = network_config(request_network)
    hostname_doc = next((d for d in config if isinstance(d, HostnameConfigV1Alpha1)), None)
    if hostname_doc is not None and network.network_hostname:
        hostname_doc.auto, hostname_doc.hostname = None, network.network_hostname
        network.network_hostname = ""
    if network.network_hostname or network.network_interfaces:
        config.v1alpha1().machine_config.machine_network = network


def generate_configuration(active: Container | None, request: Any, now: datetime) -> tuple[bytes, bytes]:
    """(machine config, talosconfig) for ``request``; every refusal is a :class:`GRPCError`."""
    if active is not None and ConfigView(active).machine_type == TYPE_WORKER:
        raise GRPCError(Status.FAILED_PRECONDITION, WORKER_ERROR)
    if not (
        request.HasField("machine_config")
        and request.HasField("cluster_config")
        and request.cluster_config.HasField("control_plane")
    ):
        raise _invalid(INVALID_REQUEST)
    if request.config_version != CONFIG_VERSION:
        raise _invalid(f"unsupported config version {request.config_version}")
    endpoint = request.cluster_config.control_plane.endpoint
    try:
        host = GoURL.parse(endpoint).hostname
    except GoURLError as exc:
        raise _invalid(f"cluster_config.control_plane.endpoint: {exc}") from None
    inp = build_input(request, secrets_of(active, now))
    machine_type = _TYPES.get(request.machine_config.type, "unknown")
    try:
        config = generate(inp, machine_type)
    except GenerateError as exc:
        raise _invalid(exc.message) from None
    except ConfigError as exc:
        raise _invalid(str(exc)) from None
    if request.machine_config.HasField("network_config"):
        _apply_network(config, request.machine_config.network_config)
    client = talosconfig(inp, [host])
    return config.encode(with_docs=True, with_examples=True).encode(), client.to_yaml().encode()


class GenerateConfigApi:
    """``GenerateConfiguration`` (mixin of ``MachineApi``: reads ``applier.runtime``)."""

    async def GenerateConfiguration(self, stream: Stream[Any, Any]) -> None:
        check_roles(stream, _ADMIN)
        request = await stream.recv_message()
        assert request is not None
        source: _ConfigSource | None = getattr(getattr(self, "applier", None), "runtime", None)
        active = source.active_config() if source is not None else None
        now = (
            request.override_time.ToDatetime(tzinfo=UTC)
            if request.HasField("override_time")
            else datetime.now(UTC)
        )
        config, client = await asyncio.to_thread(
            generate_configuration, active.container if active is not None else None, request, now
        )
        reply = machine_pb2.GenerateConfiguration(metadata=meta(self), data=[config], talosconfig=client)
        await stream.send_message(machine_pb2.GenerateConfigurationResponse(messages=[reply]))
