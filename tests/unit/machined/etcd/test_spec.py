"""EtcdSpec address selection (Talos's ``controllers/etcd/spec.go``) beyond the golden cases."""

from __future__ import annotations

import ipaddress

import pytest

from pytalos.machined.etcd.spec import EtcdSpecError, build_spec, filter_ips
from pytalos.machinery.config.types.v1alpha1.components import EtcdConfig

A = ipaddress.ip_address


def test_filter_ips_include_exclude_and_bare_address() -> None:
    ips = [A("10.0.0.1"), A("10.0.0.2"), A("fd00::1"), A("192.168.0.1")]
    assert filter_ips(ips, ["10.0.0.0/8", "!10.0.0.2"]) == [A("10.0.0.1")]
    assert filter_ips(ips, ["!10.0.0.0/8"]) == [A("fd00::1"), A("192.168.0.1")]
    assert filter_ips(ips, ["::/0"]) == [A("fd00::1")]


def test_filter_ips_bad_subnet_names_the_field() -> None:
    with pytest.raises(EtcdSpecError, match=r"cluster.etcd.listenSubnets: invalid subnet '10.0.0.0/99'"):
        filter_ips([A("10.0.0.1")], ["10.0.0.0/99"], "cluster.etcd.listenSubnets")


def test_legacy_subnet_advertises_and_listens() -> None:
    etcd = EtcdConfig()
    etcd.etcd_subnet = "10.0.0.0/24"
    spec = build_spec(etcd, "cp", [A("192.168.0.1"), A("10.0.0.5")])
    assert spec.advertised_addresses == (A("10.0.0.5"),)
    assert spec.listen_peer_addresses == (A("10.0.0.5"),)
    assert spec.listen_client_addresses == (A("127.0.0.1"), A("10.0.0.5"))


def test_no_address_or_hostname_is_an_error() -> None:
    with pytest.raises(EtcdSpecError, match="no routed address"):
        build_spec(EtcdConfig(), "cp", [])
    with pytest.raises(EtcdSpecError, match="no hostname"):
        build_spec(EtcdConfig(), "", [A("10.0.0.1")])


def test_listen_subnets_without_match_is_an_error() -> None:
    etcd = EtcdConfig()
    etcd.etcd_listen_subnets = ["172.16.0.0/12"]
    with pytest.raises(EtcdSpecError, match=r"matches cluster.etcd.listenSubnets \['172.16.0.0/12'\]"):
        build_spec(etcd, "cp", [A("10.0.0.1")])
