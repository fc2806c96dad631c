"""Talos's custom v1alpha1 mergers and ``merge:"replace"`` fields (spec §4.2)."""

from __future__ import annotations

from pytalos.machinery.config.schema import merge_structs

from ._helpers import decode, encode


def merged(left: str, right: str) -> str:
    cfg = decode(left)
    merge_structs(cfg, decode(right))
    return encode(cfg)


def test_interfaces_merge_by_name_and_selector() -> None:
    left = """\
machine:
    network:
        interfaces:
            - interface: eth0
              addresses: [10.0.0.1/24]
            - deviceSelector:
                driver: virtio
              mtu: 1400
"""
    right = """\
machine:
    network:
        interfaces:
            - interface: eth1
              dhcp: true
            - interface: eth0
              addresses: [10.0.0.2/24]
              mtu: 9000
            - deviceSelector:
                driver: virtio
              dhcp: false
            - deviceSelector:
                driver: e1000
"""
    cfg = decode(left)
    merge_structs(cfg, decode(right))
    network = cfg.machine().machine_network
    assert network is not None
    devices = network.network_interfaces
    assert [d.device_interface for d in devices] == ["eth0", "", "eth1", ""]
    assert devices[0].device_addresses == ["10.0.0.1/24", "10.0.0.2/24"]
    assert devices[0].device_mtu == 9000
    assert devices[1].device_mtu == 1400 and devices[1].device_dhcp is False
    assert devices[3].device_selector is not None
    assert devices[3].device_selector.network_device_kernel_driver == "e1000"


def test_selectors_with_physical_never_match_like_go_pointers() -> None:
    left = "machine:\n    network:\n        interfaces:\n            - deviceSelector: {physical: true}\n"
    cfg = decode(left)
    merge_structs(cfg, decode(left))
    network = cfg.machine().machine_network
    assert network is not None and len(network.network_interfaces) == 2


def test_vlans_merge_by_id() -> None:
    left = """\
machine:
    network:
        interfaces:
            - interface: eth0
              vlans:
                - vlanId: 10
                  addresses: [10.10.0.1/24]
                  routes: []
"""
    right = """\
machine:
    network:
        interfaces:
            - interface: eth0
              vlans:
                - vlanId: 20
                  dhcp: true
                - vlanId: 10
                  mtu: 1500
"""
    cfg = decode(left)
    merge_structs(cfg, decode(right))
    network = cfg.machine().machine_network
    assert network is not None
    vlans = network.network_interfaces[0].device_vlans
    assert [v.vlan_id for v in vlans] == [10, 20]
    assert vlans[0].vlan_mtu == 1500 and vlans[0].vlan_addresses == ["10.10.0.1/24"]


def test_admission_plugins_merge_by_name() -> None:
    left = """\
cluster:
    apiServer:
        admissionControl:
            - name: PodSecurity
              configuration:
                defaults: {enforce: baseline, audit: restricted}
                exemptions: {namespaces: [kube-system]}
"""
    right = """\
cluster:
    apiServer:
        admissionControl:
            - name: PodSecurity
              configuration:
                defaults: {enforce: privileged}
                exemptions: {namespaces: [rook]}
            - name: EventRateLimit
              configuration: {kind: Configuration}
"""
    cfg = decode(left)
    merge_structs(cfg, decode(right))
    api = cfg.cluster().api_server_config
    assert api is not None
    plugins = api.admission_control_config
    assert [p.plugin_name for p in plugins] == ["PodSecurity", "EventRateLimit"]
    assert plugins[0].plugin_configuration.object == {
        "defaults": {"enforce": "privileged", "audit": "restricted"},
        "exemptions": {"namespaces": ["kube-system", "rook"]},
    }


def test_replace_fields() -> None:
    left = """\
cluster:
    network:
        dnsDomain: cluster.local
        podSubnets: [10.244.0.0/16]
        serviceSubnets: [10.96.0.0/12]
    apiServer:
        auditPolicy:
            kind: Policy
            rules: [{level: Metadata}]
        extraArgs: {a: "1", b: "2"}
"""
    right = """\
cluster:
    network:
        podSubnets: [10.0.0.0/8]
    apiServer:
        auditPolicy:
            kind: Policy
            rules: [{level: None}]
        extraArgs: {b: "3"}
"""
    cfg = decode(left)
    merge_structs(cfg, decode(right))
    cluster = cfg.cluster()
    assert cluster.cluster_network is not None and cluster.api_server_config is not None
    assert cluster.cluster_network.pod_subnet == ["10.0.0.0/8"]
    assert cluster.cluster_network.service_subnet == ["10.96.0.0/12"]  # empty right keeps left
    assert cluster.api_server_config.audit_policy_config.object == {
        "kind": "Policy",
        "rules": [{"level": "None"}],
    }
    assert cluster.api_server_config.extra_args_config == {"a": "1", "b": "3"}


def test_plain_lists_append_and_bools_override() -> None:
    out = merged(
        "machine:\n    certSANs: [a]\n    install:\n        wipe: true\n",
        "machine:\n    certSANs: [b]\n    install:\n        wipe: false\n",
    )
    assert "certSANs:\n        - a\n        - b\n" in out
    assert "wipe: false" in out


def test_endpoint_merges_url_fields() -> None:
    out = merged(
        "cluster:\n    controlPlane:\n        endpoint: https://127.0.0.1:6643/\n",
        "cluster:\n    controlPlane:\n        endpoint: https://10.0.0.1\n",
    )
    assert "endpoint: https://10.0.0.1/\n" in out


def test_ca_blobs_replaced_individually() -> None:
    out = merged(
        "machine:\n    ca:\n        crt: YQ==\n        key: Yg==\n",
        "machine:\n    ca:\n        crt: Yw==\n",
    )
    assert "crt: Yw==\n        key: Yg==\n" in out
