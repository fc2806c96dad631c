"""Shared inputs for controller tests: configs (generated or hand-written), a fake platform."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytalos.machined.controllers.network.netlink import AddressInfo, LinkInfo
from pytalos.machined.controllers.network.netlink_fake import FakeNetlink
from pytalos.machined.resources import config, default_registry, network
from pytalos.machined.runtime import Controller, Resource, ResourceRegistry
from pytalos.machined.runtime.testing import ControllerHarness
from pytalos.machined.system.stream import EventStream
from pytalos.machinery.config.generate.generator import generate
from pytalos.machinery.config.generate.input import Input
from pytalos.machinery.config.loader import load

REGISTRY: ResourceRegistry = default_registry()

#: ``machine-id`` of the fake platform.
MACHINE_ID = "0123456789abcdef0123456789abcdef"


def harness(*controllers: Controller) -> ControllerHarness:
    return ControllerHarness(*controllers, registry=REGISTRY)


@functools.cache
def _input() -> Input:
    return Input("demo", "https://10.5.0.2:6443", "v1.31.2")


@functools.cache
def generated(machine_type: str) -> bytes:
    """A real ``gen config`` output (HEAD contract) for ``controlplane`` or ``worker``, same secrets."""
    return generate(_input(), machine_type).bytes()


def machine_config(text: str | bytes, id: str = config.V1ALPHA1_ID) -> Resource[Any]:
    """A ``MachineConfigs`` resource as the config controller would write it (no validation)."""
    return Resource.new(
        config.NAMESPACE, config.MACHINE_CONFIG_TYPE, id, config.MachineConfigSpec.of(load(text, "test.yaml"))
    )


def machine_type(kind: str) -> Resource[Any]:
    return Resource.new(
        config.NAMESPACE, config.MACHINE_TYPE_TYPE, config.MACHINE_TYPE_ID, config.MachineTypeSpec(kind)
    )


def node_addresses(id: str, *prefixes: str) -> Resource[Any]:
    spec = network.NodeAddressSpec(tuple(ipaddress.ip_interface(p) for p in prefixes))
    return Resource.new(network.NAMESPACE, network.NODE_ADDRESS_TYPE, id, spec)


def hostname(name: str, domain: str = "") -> Resource[Any]:
    spec = network.HostnameStatusSpec(name, domain)
    return Resource.new(network.NAMESPACE, network.HOSTNAME_STATUS_TYPE, network.HOSTNAME_ID, spec)


def legacy(machine: str = "", machine_type: str = "controlplane", extra: str = "") -> str:
    """A small v1alpha1 document; ``machine`` lines are indented under ``machine:``."""
    body = "".join(f"    {line}\n" for line in machine.splitlines())
    head = f"version: v1alpha1\nmachine:\n    type: {machine_type}\n"
    return f"{head}{body}cluster:\n    clusterName: demo\n{extra}"


def eth(index: int, name: str, *, up: bool = True, mac: str = "52:54:00:00:00:01") -> LinkInfo:
    flags = 0x1 | 0x2 | 0x40 | 0x1000 | 0x10000 if up else 0x2 | 0x1000
    return LinkInfo(
        index=index, name=name, type=1, flags=flags, mtu=1500, operstate="UP" if up else "DOWN",
        hardware_addr=mac, broadcast_addr="ff:ff:ff:ff:ff:ff", qdisc="fq_codel", carrier=up,
    )  # fmt: skip


LOOPBACK = LinkInfo(
    index=1, name="lo", type=772, flags=0x1 | 0x8 | 0x40 | 0x10000, mtu=65536, operstate="UNKNOWN"
)


def addr(index: int, prefix: str, *, scope: int = 0, flags: int = 0x80) -> AddressInfo:
    iface = ipaddress.ip_interface(prefix)
    return AddressInfo(
        index=index,
        family=2 if iface.version == 4 else 10,
        prefixlen=iface.network.prefixlen,
        address=str(iface.ip),
        local=str(iface.ip) if iface.version == 4 else "",
        scope=scope,
        flags=flags,
    )


@dataclass
class FakePlatform:
    """A :class:`~pytalos.machined.platform.NodePlatform` for unit tests."""

    netlink: FakeNetlink = field(default_factory=FakeNetlink)
    machine_id: str = MACHINE_ID
    mode: str = "container"
    clock_trusted: bool = True
    root: Path = Path("/nonexistent-node-root")
    events: EventStream[Any] = field(default_factory=EventStream)


async def failure_of(h: ControllerHarness, name: str, timeout: float = 5.0) -> str:
    """Wait until controller ``name`` failed at least once; its last error."""
    status = h.runtime.status(name)
    async with asyncio.timeout(timeout):
        while not status.failures:
            await asyncio.sleep(0.005)
    return status.last_error
