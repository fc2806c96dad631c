"""Small document classes for loader/container/patch tests, independent of the real config kinds.

``FakeConfig`` stands in for the v1alpha1 ``Config`` (install it with the ``fake_v1alpha1`` fixture);
the ``PyTest*`` kinds are registered under an apiVersion no real kind uses.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from pytalos.machinery.config import container as container_mod
from pytalos.machinery.config.document import Document, register
from pytalos.machinery.config.schema import Struct, yfield
from pytalos.machinery.config.types.meta import Args

TEST_API = "v1alpha1"


class FakeInterface(Struct):
    interface: str = yfield("interface", omitempty=True)
    addresses: list[str] = yfield("addresses", omitempty=True)
    dhcp: bool = yfield("dhcp", omitempty=True)
    mtu: int = yfield("mtu", omitempty=True)


class FakeNetwork(Struct):
    hostname: str = yfield("hostname", omitempty=True)
    interfaces: list[FakeInterface] = yfield("interfaces", omitempty=True)
    nameservers: list[str] = yfield("nameservers", omitempty=True, merge="replace")


class FakeMachine(Struct):
    type: str = yfield("type")
    cert_sans: list[str] = yfield("certSANs")
    network: FakeNetwork | None = yfield("network", omitempty=True)
    node_labels: dict[str, str] = yfield("nodeLabels", omitempty=True)
    extra_args: Args | None = yfield("extraArgs", omitempty=True)
    policy: Any = yfield("policy", omitempty=True)


class FakeCluster(Struct):
    cluster_name: str = yfield("clusterName", omitempty=True)


class FakeConfig(Struct):
    version: str = yfield("version", omitempty=True)
    debug: bool = yfield("debug", omitempty=True)
    persist: bool = yfield("persist", omitempty=True)
    machine: FakeMachine | None = yfield("machine")
    cluster: FakeCluster | None = yfield("cluster")

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        warnings, errors = [], []
        if self.machine is None:
            errors.append("machine instructions are required")
        if self.debug:
            warnings.append("debug is enabled")
        return warnings, errors


class FakeAddress(Struct):
    address: str = yfield("address")
    priority: int = yfield("priority", omitempty=True)


@register
class PyTestLinkConfig(Document):
    KIND: ClassVar[str] = "PyTestLinkConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name")
    up: bool | None = yfield("up", omitempty=True)
    addresses: list[FakeAddress] = yfield("addresses", omitempty=True)
    mtu: int = yfield("mtu", omitempty=True)

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        return [], ([] if self.name else ["name is required"])

    def conflicts_with_kinds(self) -> list[str]:
        return ["PyTestBondConfig"]


@register
class PyTestBondConfig(Document):
    KIND: ClassVar[str] = "PyTestBondConfig"
    NAMED: ClassVar[bool] = True

    name: str = yfield("name")
    links: list[str] = yfield("links", omitempty=True)


@register
class PyTestSecretConfig(Document):
    KIND: ClassVar[str] = "PyTestSecretConfig"

    token: str = yfield("token", omitempty=True)
    enabled: bool = yfield("enabled")

    def redact(self, replacement: str) -> None:
        if self.token:
            self.token = replacement


@pytest.fixture
def fake_v1alpha1(monkeypatch: pytest.MonkeyPatch) -> type[FakeConfig]:
    """Make the loader treat legacy documents as :class:`FakeConfig`."""
    monkeypatch.setattr(container_mod, "_v1alpha1_override", FakeConfig)
    return FakeConfig
