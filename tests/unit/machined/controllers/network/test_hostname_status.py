"""network.HostnameStatusController: configured, stable and address-based hostnames (Talos's cases)."""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machined.controllers.network.hostname_status import (
    HostnameStatusController,
    base36,
    parse_fqdn,
    stable_hostname,
)
from pytalos.machined.resources import cluster, network
from pytalos.machined.runtime import Resource
from pytalos.machined.runtime.testing import run

from .._helpers import harness, legacy, machine_config, node_addresses

pytestmark = pytest.mark.unit

HS = network.HOSTNAME_STATUS_TYPE
TALOS_NODE_ID = "fGdOI05hVrx3YMagLo0Bwxa2Nm9BAswWm8XLeEj0aS4"  # hostname_config_test.go


def _identity(node_id: str) -> Resource[Any]:
    return Resource.new(cluster.NAMESPACE, cluster.IDENTITY_TYPE, "local", cluster.IdentitySpec(node_id))


def _named(hostname: str, domainname: str = "") -> Any:
    def check(r: Resource[network.HostnameStatusSpec]) -> None:
        assert (r.spec.hostname, r.spec.domainname) == (hostname, domainname)

    return check


def test_stable_hostname_matches_talos() -> None:
    assert stable_hostname(TALOS_NODE_ID) == "talos-hwz-sw5"
    assert base36(b"\x00\x00\x01") == "001"
    assert base36(b"\xff") == "73"


def test_parse_fqdn() -> None:
    assert parse_fqdn("node1.example.org") == network.HostnameStatusSpec("node1", "example.org")
    with pytest.raises(ValueError, match="hostname is too long: 64"):
        parse_fqdn("a" * 64)
    with pytest.raises(ValueError, match="fqdn is too long: 254"):
        parse_fqdn("a." * 127)


def test_no_hostname_without_machine_config() -> None:
    async def body() -> None:
        async with harness(HostnameStatusController()) as h:
            await h.create(node_addresses("default", "33.11.22.44/32"))
            await h.assert_no_resource(HS, "hostname")

    run(body())


def test_default_address_based_hostname() -> None:
    async def body() -> None:
        async with harness(HostnameStatusController()) as h:
            await h.create(machine_config(legacy()))
            await h.create(node_addresses("default", "33.11.22.44/32"))
            await h.assert_resource(HS, "hostname", _named("talos-33-11-22-44"))

            def v6(r: Resource[Any]) -> None:
                r.spec = network.NodeAddressSpec((__import__("ipaddress").ip_interface("fd00::1:2/64"),))

            await h.modify(h.pointer(network.NODE_ADDRESS_TYPE, "default"), v6)
            await h.assert_resource(HS, "hostname", _named("talos-fd0012"))

    run(body())


def test_default_stable_hostname_legacy_feature() -> None:
    async def body() -> None:
        async with harness(HostnameStatusController()) as h:
            await h.create(machine_config(legacy("features:\n    stableHostname: true")))
            await h.create(node_addresses("default", "33.11.22.44/32"))
            await h.assert_no_resource(HS, "hostname")  # waits for the identity
            await h.create(_identity(TALOS_NODE_ID))
            await h.assert_resource(HS, "hostname", _named("talos-hwz-sw5"))

    run(body())


def test_hostname_config_auto_stable() -> None:
    async def body() -> None:
        text = legacy() + "---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n"
        async with harness(HostnameStatusController()) as h:
            await h.create(_identity(TALOS_NODE_ID))
            await h.create(machine_config(text))
            await h.assert_resource(HS, "hostname", _named("talos-hwz-sw5"))

    run(body())


def test_configured_hostname_wins_and_invalid_one_falls_back() -> None:
    async def body() -> None:
        async with harness(HostnameStatusController()) as h:
            await h.create(node_addresses("default", "10.0.0.1/24"))
            cfg = machine_config(legacy("network:\n    hostname: Worker-1.Example.org"))
            await h.create(cfg)
            res = await h.assert_resource(HS, "hostname", _named("Worker-1", "Example.org"))
            assert res.spec.to_yaml() == {"hostname": "Worker-1", "domainname": "Example.org"}

            def too_long(r: Resource[Any]) -> None:
                r.spec = machine_config(legacy("network:\n    hostname: " + "a" * 128)).spec

            await h.modify(cfg.pointer, too_long)
            await h.assert_resource(HS, "hostname", _named("talos-10-0-0-1"))

    run(body())


def test_static_hostname_document() -> None:
    async def body() -> None:
        text = (
            legacy() + "---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: off\nhostname: my-hostname\n"
        )
        async with harness(HostnameStatusController()) as h:
            await h.create(node_addresses("default", "10.0.0.1/24"))
            cfg = machine_config(text)
            await h.create(cfg)
            await h.assert_resource(HS, "hostname", _named("my-hostname"))
            await h.destroy(cfg.pointer)
            await h.assert_no_resource(HS, "hostname")

    run(body())
