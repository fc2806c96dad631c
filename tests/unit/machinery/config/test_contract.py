"""Version contracts: parsing, ordering and the feature switches at their boundaries."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.contract import CURRENT, TALOS_VERSIONS, VersionContract

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v1.7", (1, 7)),
        ("1.7", (1, 7)),
        ("1.7.3", (1, 7)),
        ("v1.7.0-alpha.1", (1, 7)),
        ("v1.15.2", (1, 15)),
        ("v0.8", (0, 8)),
    ],
)
def test_parse(text: str, expected: tuple[int, int]) -> None:
    contract = VersionContract.parse(text)
    assert (contract.major, contract.minor) == expected


@pytest.mark.parametrize("text", ["", "v1", "1.x", "latest", "v1.7-rc1"])
def test_parse_errors(text: str) -> None:
    with pytest.raises(ValueError, match="error parsing version"):
        VersionContract.parse(text)


def test_parse_error_text_is_talos() -> None:
    with pytest.raises(ValueError) as err:
        VersionContract.parse("foo")
    assert str(err.value) == 'error parsing version "vfoo"'


def test_ordering_and_str() -> None:
    assert VersionContract(1, 7) < VersionContract(1, 10) < VersionContract(2, 0)
    assert VersionContract(1, 10).greater(VersionContract(1, 9))
    assert not VersionContract(1, 9).greater(VersionContract(1, 9))
    assert str(VersionContract.parse("1.12.1")) == "v1.12"
    assert VersionContract.current() == CURRENT == VersionContract(1, 15)
    assert TALOS_VERSIONS["v1.3"] == VersionContract(1, 3)


# (switch, first contract where it is on, last contract where it is still off)
SWITCHES = [
    ("disk_quota_support_enabled", "v1.5", "v1.4"),
    ("kubeprism_enabled", "v1.6", "v1.5"),
    ("host_dns_enabled", "v1.7", "v1.6"),
    ("use_rsa_service_account_key", "v1.7", "v1.6"),
    ("host_dns_forward_kube_dns_to_host", "v1.8", "v1.7"),
    ("add_exclude_from_external_load_balancer", "v1.8", "v1.7"),
    ("cluster_name_for_workers", "v1.8", "v1.7"),
    ("multidoc_network_config_supported", "v1.12", "v1.11"),
    ("hide_rbac_and_key_usage", "v1.12", "v1.11"),
    ("grub_use_uki_cmdline_default", "v1.12", "v1.11"),
    ("kubespan_multidoc_config", "v1.13", "v1.12"),
    ("multidoc_kubernetes_config_supported", "v1.14", "v1.13"),
    ("unattended_install_config", "v1.14", "v1.13"),
    ("host_dns_multidoc_config", "v1.14", "v1.13"),
    ("multidoc_kernel_module_config_supported", "v1.14", "v1.13"),
    ("filesystem_trim_enabled_by_default", "v1.14", "v1.13"),
    ("workload_isolation_enabled_by_default", "v1.14", "v1.13"),
    ("secretbox_encryption_supported", "v1.3", "v1.2"),
    ("api_server_audit_policy_supported", "v1.3", "v1.2"),
]


@pytest.mark.parametrize(("switch", "on", "off"), SWITCHES)
def test_switch_boundaries(switch: str, on: str, off: str) -> None:
    assert getattr(VersionContract.parse(on), switch)() is True
    assert getattr(VersionContract.parse(off), switch)() is False
    assert getattr(CURRENT, switch)() is True


def test_inverted_and_window_switches() -> None:
    assert VersionContract(1, 11).populate_endpoint_sans_by_default()
    assert not VersionContract(1, 12).populate_endpoint_sans_by_default()
    assert VersionContract(1, 2).kubernetes_alternate_image_registries()
    assert not VersionContract(1, 1).kubernetes_alternate_image_registries()
    assert not VersionContract(1, 3).kubernetes_alternate_image_registries()
    assert not CURRENT.disk_smart_enabled_by_default()
