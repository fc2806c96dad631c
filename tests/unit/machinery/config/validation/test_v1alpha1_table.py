"""Port of Talos's ``TestValidate`` table (v1alpha1_validation_test.go): same inputs, same messages.

Where HEAD's ``v1alpha1_validation.go`` changed behaviour after that table was written, the case
says so and expects HEAD's result (install is optional, KubeSpan identity moved to the container,
no RBAC requirement, new deprecation warnings/texts).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machinery.config.validation import multierror_text, validate_config

from ._build import BAR, FOO, build, controlplane, error_text, worker

pytestmark = pytest.mark.unit

CIDR_DEPRECATED = (
    '"{}": machine.network.interface.cidr is deprecated, please use machine.network.interface.addresses'
)
ADDRESSING = (
    '[networking.os.device] "{}": bonded/bridged interface shouldn\'t have any addressing methods configured'
)
EXT_DEPRECATED = (
    ".machine.install.extensions is deprecated, please see "
    "https://docs.siderolabs.com/talos/latest/platform-specific-installations/boot-assets"
)


def one(msg: str) -> str:
    return multierror_text([msg])


def many(*msgs: str) -> str:
    return multierror_text(list(msgs))


def net(*devices: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"interfaces": list(devices), **extra}


DISCOVERY = {"id": "test", "secret": "test", "discovery": {"enabled": True}}

# (name, machine, cluster, requires_install, strict, warnings, error)
Case = tuple[str, Any, Any, bool, bool, list[str], str]


def _two_links(name: str, first: tuple[str, str], second: tuple[str, str]) -> Case:
    """``eth1`` is a member of both links (``(section, link name)`` each): Talos names the two links."""
    (kind1, link1), (kind2, link2) = first, second
    network = net(
        {"interface": link1, kind1: {"interfaces": ["eth0", "eth1"]}},
        {"interface": link2, kind2: {"interfaces": ["eth1", "eth2"]}},
    )
    message = f'interface "eth1" is declared as part of two separate links: "{link1}" and "{link2}"'
    return (name, controlplane(network=network), None, False, False, [], one(message))


def _member_addressing(name: str, kind: str, link: str) -> Case:
    """Members of a bond/bridge (``kind``) must not be addressed (dhcp, addresses or deprecated cidr)."""
    network = net(
        {"interface": link, kind: {"interfaces": ["eth0", "eth1", "eth2"]}},
        {"interface": "eth0", "dhcp": True},
        {"interface": "eth1", "addresses": ["192.168.0.1/24"]},
        {"interface": "eth2", "cidr": "192.168.1.1/24"},
    )
    errors = many(*(ADDRESSING.format(eth) for eth in ("eth0", "eth1", "eth2")))
    return (name, controlplane(network=network), None, False, False, [CIDR_DEPRECATED.format("eth2")], errors)


CASES: list[Case] = [
    ("NoMachine", None, None, False, False, [], one("machine instructions are required")),
    (
        "NoMachineType",
        {"ca": {"crt": FOO}},
        None,
        False,
        False,
        ['use "worker" instead of "" for machine type'],
        "",
    ),
    (
        "JoinMachineType",
        {"type": "join", "ca": {"crt": FOO}},
        None,
        False,
        False,
        ['use "worker" instead of "join" for machine type'],
        "",
    ),
    (
        "NoMachineTypeStrict",
        {"ca": {"crt": FOO}},
        None,
        False,
        True,
        [],
        one('warning: use "worker" instead of "" for machine type'),
    ),
    (
        "WorkerNoAcceptedCAs",
        {"type": "worker", "ca": {}},
        None,
        False,
        True,
        [],
        one(
            "trusted CA certificates are required on non-controlplane nodes (.machine.ca.crt, "
            ".machine.acceptedCAs)"
        ),
    ),
    ("WorkerOnlyAcceptedCAs", {"type": "worker", "acceptedCAs": [{"crt": FOO}]}, None, False, True, [], ""),
    (
        "ControlplaneNoCAKey",
        {"type": "controlplane", "ca": {"crt": FOO}},
        None,
        False,
        True,
        [],
        one("issuing CA key is required for controlplane nodes (.machine.ca.key)"),
    ),
    ("NoMachineInstall", worker(), None, False, False, [], ""),
    # HEAD: .machine.install is optional (UnattendedInstallConfig), so no "install instructions are required"
    ("NoMachineInstallRequired", worker(), None, True, False, [], ""),
    ("MachineInstallDisk", worker(install={"disk": "/dev/vda"}), None, True, False, [], ""),
    (
        "MachineInstallExtensionsDuplicate",
        worker(install={"disk": "/dev/vda", "extensions": [{"image": "ghcr.io/siderolabs/gvisor:v0.1.0"}]}),
        None,
        True,
        False,
        [EXT_DEPRECATED],
        "",
    ),
    (
        "ExternalCloudProviderEnabled",
        worker(),
        {
            "externalCloudProvider": {
                "enabled": True,
                "manifests": [
                    "https://www.example.com/manifest1.yaml",
                    "https://www.example.com/manifest2.yaml",
                ],
            }
        },
        False,
        False,
        [],
        "",
    ),
    (
        "ExternalCloudProviderEnabledNoManifests",
        worker(),
        {"externalCloudProvider": {"enabled": True}},
        False,
        False,
        [],
        "",
    ),
    ("ExternalCloudProviderDisabled", worker(), {"externalCloudProvider": {}}, False, False, [], ""),
    (
        "ExternalCloudProviderExtraManifests",
        worker(),
        {
            "externalCloudProvider": {
                "manifests": [
                    "https://www.example.com/manifest1.yaml",
                    "https://www.example.com/manifest2.yaml",
                ]
            }
        },
        False,
        False,
        [],
        one("external cloud provider is disabled, but manifests are provided"),
    ),
    (
        "ExternalCloudProviderInvalidManifests",
        worker(),
        {"externalCloudProvider": {"enabled": True, "manifests": ["/manifest.yaml"]}},
        False,
        False,
        [],
        one('invalid external cloud provider manifest url "/manifest.yaml": hostname must not be blank'),
    ),
    (
        "InlineManifests",
        controlplane(),
        {"inlineManifests": [{"name": ""}, {"name": "foo"}, {"name": "bar"}, {"name": "foo"}]},
        False,
        False,
        [],
        many("inline manifest name can't be empty", 'inline manifest name "foo" is duplicate'),
    ),
    ("DNSDomainEmpty", controlplane(), {"network": {}}, False, False, [], ""),
    (
        "DeviceCIDRInvalid",
        controlplane(network=net({"interface": "eth0", "cidr": "10.3.x"})),
        None,
        False,
        False,
        [CIDR_DEPRECATED.format("eth0")],
        one('[networking.os.device.CIDR] "eth0": failed to parse IP address "10.3.x"'),
    ),
    (
        "DeviceAddressInvalid",
        controlplane(
            network=net({"interface": "eth0", "addresses": ["192.168.0.5/24", "10.35.7.8", "10.3.x/24"]})
        ),
        None,
        False,
        False,
        [],
        one('[networking.os.device.addresses] "eth0": invalid CIDR address: 10.3.x/24'),
    ),
    (
        "DeviceAddressAndCIDR",
        controlplane(
            network=net({"interface": "eth0", "cidr": "192.24.3.45", "addresses": ["192.168.0.5/24"]})
        ),
        None,
        False,
        False,
        [CIDR_DEPRECATED.format("eth0")],
        one('[networking.os.device] "eth0": interface can\'t have both .cidr and .addresses set'),
    ),
    (
        "VlanCIDRInvalid",
        controlplane(network=net({"interface": "eth0", "vlans": [{"vlanId": 25, "cidr": "10.3.x"}]})),
        None,
        False,
        False,
        [],
        one('[networking.os.device.vlan.CIDR] eth0.25: failed to parse IP address "10.3.x"'),
    ),
    (
        "VlanAddressInvalid",
        controlplane(
            network=net(
                {
                    "interface": "eth0",
                    "vlans": [{"vlanId": 25, "addresses": ["192.168.0.5/24", "10.35.7.8", "10.3.x/24"]}],
                }
            )
        ),
        None,
        False,
        False,
        [],
        one("[networking.os.device.vlan.addresses] eth0.25: invalid CIDR address: 10.3.x/24"),
    ),
    (
        "VlanAddressAndCIDR",
        controlplane(
            network=net(
                {
                    "interface": "eth0",
                    "vlans": [{"vlanId": 26, "cidr": "192.24.3.45", "addresses": ["192.168.0.5/24"]}],
                }
            )
        ),
        None,
        False,
        False,
        [],
        one("[networking.os.device.vlan] eth0.26: vlan can't have both .cidr and .addresses set"),
    ),
    (
        "BondDefaultConfig",
        controlplane(network=net({"interface": "bond0", "bond": {}})),
        None,
        False,
        False,
        [],
        "",
    ),
    (
        "BondWrongMode",
        controlplane(
            network=net(
                {
                    "interface": "bond0",
                    "bond": {
                        "mode": "roundrobin",
                        "updelay": 100,
                        "packetsPerSlave": 8,
                        "adActorSysPrio": 48,
                        "interfaces": ["eth0", "eth1"],
                    },
                }
            )
        ),
        None,
        False,
        False,
        [],
        many(
            "invalid bond type roundrobin",
            "bond.upDelay can't be set if miiMon is zero",
            "bond.adActorSysPrio is only available in 802.3ad mode",
        ),
    ),
    (
        "BondInterfacesAndSelectors",
        controlplane(
            network=net(
                {
                    "interface": "bond0",
                    "bond": {"interfaces": ["eth0", "eth1"], "deviceSelectors": [{"driver": "virtio"}]},
                }
            )
        ),
        None,
        False,
        False,
        [],
        one(
            'interface "bond0" has both interfaces and selectors set: config sections are mutually exclusive'
        ),
    ),
    _two_links("BondDoubleBond", ("bond", "bond0"), ("bond", "bond1")),
    _member_addressing("BondSlaveAddressing", "bond", "bond0"),
    _member_addressing("BridgeSlaveAddressing", "bridge", "br0"),
    _two_links("BridgeDoubleBridge", ("bridge", "br0"), ("bridge", "br1")),
    (
        "InterfaceIsBothBridgeAndBond",
        controlplane(
            network=net(
                {
                    "interface": "bridgebond0",
                    "bridge": {"interfaces": ["eth0", "eth1"]},
                    "bond": {"interfaces": ["eth2", "eth3"]},
                }
            )
        ),
        None,
        False,
        False,
        [],
        one(
            'interface has both bridge and bond sections set "bridgebond0": config sections are '
            "mutually exclusive"
        ),
    ),
    _two_links("InterfacePartOfBridgeAndBond", ("bridge", "br0"), ("bond", "bond0")),
    (
        "Wireguard",
        controlplane(
            network=net(
                {
                    "interface": "wireguard0",
                    "wireguard": {
                        "privateKey": "ONtS+jU1Q+ZHLgs7DbYvnF5Iyj+koxBtvknDigFsdG8=",
                        "peers": [
                            {},
                            {
                                "publicKey": "4A3rogGVHuVjeZz5cbqryWXGkGBdIGC0E6+5mX2Iz1A=",
                                "endpoint": "example.com:1234",
                                "allowedIPs": ["10.2.0.5/31", "2.4.5.3/32"],
                            },
                            {
                                "publicKey": "4A3rogGVHuVjeZz5cbqryWXGkGBdIGC0E6+5mX2Iz1==",
                                "endpoint": "12.3.4.5",
                                "allowedIPs": ["10.2.0"],
                            },
                        ],
                    },
                }
            )
        ),
        None,
        False,
        False,
        [],
        many(
            'public key invalid: wrong key "" length: 0',
            'public key invalid: wrong key "4A3rogGVHuVjeZz5cbqryWXGkGBdIGC0E6+5mX2Iz1==" length: 31',
            'peer endpoint "12.3.4.5" is invalid',
            'peer allowed IP "10.2.0" is invalid: invalid CIDR address: 10.2.0',
        ),
    ),
    (
        "StaticRoutes",
        controlplane(
            network=net(
                {
                    "interface": "eth0",
                    "routes": [
                        {"gateway": "172.0.0.1"},
                        {"network": "10.0.0.0/24", "gateway": "10.0.0.1"},
                        {"network": "10.0.0.0/24", "gateway": "10.0.0.1", "source": "10.0.0.5"},
                        {"gateway": "172.0.0.x"},
                        {"network": "10.0.0.0", "gateway": "10.0.0.1"},
                        {"network": "10.0.0.0/24", "gateway": "10.0.0.1", "source": "10.0.0.3/32"},
                        {"network": "169.254.254.254/32"},
                        {"source": "10.0.0.3"},
                    ],
                }
            )
        ),
        None,
        False,
        False,
        [],
        many(
            '[networking.os.device.route[3].gateway] "172.0.0.x": invalid network address',
            '[networking.os.device.route[4].network] "10.0.0.0": invalid network address',
            '[networking.os.device.route[5].source] "10.0.0.3/32": invalid network address',
            "[networking.os.device.route[7]]: either network or gateway should be set",
        ),
    ),
    # HEAD: the .cluster.id/.cluster.secret requirement moved to the container-level checks
    (
        "KubeSpanNoDiscovery",
        controlplane(network={"kubespan": {"enabled": True}}),
        None,
        False,
        False,
        [],
        one(".cluster.discovery should be enabled when .machine.network.kubespan is enabled"),
    ),
    (
        "DiscoveryServiceEndpoint",
        controlplane(),
        {
            "id": "foo",
            "secret": "bar",
            "discovery": {"enabled": True, "registries": {"service": {"endpoint": "foo"}}},
        },
        False,
        False,
        [],
        one('cluster discovery service registry endpoint is invalid: parse "foo": invalid URI for request'),
    ),
    (
        "DiscoveryServiceClusterIDSecret",
        controlplane(),
        {"discovery": {"enabled": True}},
        False,
        False,
        [],
        many(
            "cluster discovery service requires .cluster.id",
            "cluster discovery service requires .cluster.secret",
        ),
    ),
    (
        "EtcdMissingCa",
        controlplane(),
        {"etcd": {}},
        False,
        False,
        [],
        one("key/cert combination should not be empty"),
    ),
    (
        "EtcdConfigProvidedForWorker",
        worker(),
        {"etcd": {}},
        False,
        False,
        [],
        one("etcd config is only allowed on control plane machines"),
    ),
    (
        "GoodEtcdSubnet",
        controlplane(),
        {
            "etcd": {
                "ca": {},
                "advertisedSubnets": ["10.0.0.0/8", "!1.1.1.1/32"],
                "listenSubnets": ["10.0.0.0/8", "1.1.1.1/32"],
            }
        },
        False,
        False,
        [],
        "",
    ),
    (
        "BadEtcdSubnet",
        controlplane(),
        {"etcd": {"ca": {}, "advertisedSubnets": ["1234:"], "listenSubnets": ["10"]}},
        False,
        False,
        [],
        many('etcd advertised subnet is not valid: "1234:"', 'etcd listen subnet is not valid: "10"'),
    ),
    (
        "GoodKubeletSubnet",
        worker(
            kubelet={"nodeIP": {"validSubnets": ["10.0.0.0/8", "!10.0.0.3/32", "!fd00::169:254:2:53/128"]}}
        ),
        None,
        False,
        False,
        [],
        "",
    ),
    (
        "BadKubeletSubnet",
        worker(kubelet={"nodeIP": {"validSubnets": ["10.0.0.0.3", "[fd00::169:254:2:53]:344"]}}),
        None,
        False,
        False,
        [],
        many(
            'kubelet nodeIP subnet is not valid: "10.0.0.0.3"',
            'kubelet nodeIP subnet is not valid: "[fd00::169:254:2:53]:344"',
        ),
    ),
    (
        "BadKubeletExtraConfig",
        {"type": "worker", "acceptedCAs": [{"crt": FOO}], "kubelet": {"extraConfig": {"port": 345}}},
        None,
        False,
        False,
        [],
        one('kubelet configuration field "port" can\'t be overridden'),
    ),
    (
        "DeviceInterfaceInvalid",
        controlplane(network=net({})),
        None,
        False,
        False,
        [],
        one(
            "[networking.os.device.interface], [networking.os.device.deviceSelector]: "
            "required either config section to be set"
        ),
    ),
    (
        "DeviceSelectorAndInterfaceSet",
        controlplane(network=net({"interface": "eth0", "deviceSelector": {"busPath": "00:01"}})),
        None,
        False,
        False,
        [],
        one(
            "[networking.os.device.interface], [networking.os.device.deviceSelector]: "
            "config sections are mutually exclusive"
        ),
    ),
    (
        "DeviceSelectorEmpty",
        controlplane(network=net({"deviceSelector": {}})),
        None,
        False,
        False,
        [],
        one("[networking.os.device.deviceSelector]: config section should contain at least one field"),
    ),
    # HEAD: the RBAC feature is no longer required for Kubernetes Talos API access
    (
        "TalosAPIAccessRBAC",
        controlplane(features={"kubernetesTalosAPIAccess": {"enabled": True}}),
        None,
        False,
        False,
        [],
        "",
    ),
    (
        "TalosAPIAccessWorker",
        worker(features={"rbac": True, "kubernetesTalosAPIAccess": {"enabled": True}}),
        None,
        False,
        False,
        [],
        one("feature Kubernetes Talos API Access can only be enabled on control plane machines"),
    ),
    (
        "TalosAPIAccessInvalidRole",
        controlplane(
            features={
                "rbac": True,
                "kubernetesTalosAPIAccess": {
                    "enabled": True,
                    "allowedRoles": ["os:reader", "invalid:role1", "os:etcd:backup", "invalid:role2"],
                },
            }
        ),
        None,
        False,
        False,
        [],
        many(
            'invalid role "invalid:role1" in allowed roles for Kubernetes Talos API Access',
            'invalid role "invalid:role2" in allowed roles for Kubernetes Talos API Access',
        ),
    ),
    (
        "NodeLabels",
        worker(
            nodeLabels={
                "/foo": "bar",
                "key": "value",
                "talos.dev/foo": "bar",
                "@!": "#$",
                "123@.dev/": "456",
                "a/b/c": "a" * 64,
            }
        ),
        None,
        False,
        False,
        [],
        "1 error occurred:\n\t* invalid machine node labels: 6 errors occurred:\n"
        '\t* prefix cannot be empty: "/foo"\n'
        '\t* prefix "123@.dev" is invalid: domain doesn\'t match required format: "123@.dev"\n'
        '\t* name "@!" is invalid\n'
        '\t* label value "#$" is invalid\n'
        '\t* invalid format: too many slashes: "a/b/c"\n'
        f'\t* label value length exceeds limit of 63: "{"a" * 64}"\n\n\n\n',
    ),
    (
        "GoodKubeSpanEndpointFilters",
        worker(
            network={
                "kubespan": {
                    "enabled": True,
                    "filters": {"endpoints": ["0.0.0.0/0", "::/0", "!192.168.0.0/16"]},
                }
            }
        ),
        DISCOVERY,
        False,
        False,
        [],
        "",
    ),
    (
        "BadKubeSpanEndpointFilters",
        worker(network={"kubespan": {"enabled": True, "filters": {"endpoints": ["!10", "123::/456"]}}}),
        DISCOVERY,
        False,
        False,
        [],
        # HEAD fixed the old "filer" typo
        many(
            'KubeSpan endpoint filter is not valid: "10"',
            'KubeSpan endpoint filter is not valid: "123::/456"',
        ),
    ),
    (
        "KubeSpanSmallMTU",
        worker(network={"kubespan": {"enabled": True, "mtu": 576}}),
        DISCOVERY,
        False,
        False,
        [],
        one("kubespan link MTU must be at least 1280"),
    ),
    (
        "ControlPlanePodResources",
        controlplane(),
        {
            "apiServer": {"resources": {"requests": {"cpu": "1m", "invalid1": "23"}}},
            "controllerManager": {"resources": {"limits": {"memory": "1m", "invalid2": "23"}}},
            "scheduler": {"resources": {"requests": {"cpu": "1m"}, "limits": {"invalid3": "23"}}},
        },
        False,
        False,
        [],
        many(
            'apiserver resource validation failed: unsupported pod resource "invalid1"',
            'controller-manager resource validation failed: unsupported pod resource "invalid2"',
            'scheduler resource validation failed: unsupported pod resource "invalid3"',
        ),
    ),
    (
        "ControlPlaneInvalidAuthorizationConfig",
        controlplane(),
        {"apiServer": {"authorizationConfig": [{"name": "foo"}]}},
        False,
        False,
        [],
        one("apiserver authorization config validation failed: authorizer type must be set"),
    ),
    # a decoded config cannot tell an empty authorizationConfig from an absent one: use a valid authorizer
    (
        "ControlPlaneAuthorizationConfigWithAuthorizationModeFlag",
        controlplane(),
        {
            "apiServer": {
                "authorizationConfig": [{"type": "Node", "name": "node"}],
                "extraArgs": {"authorization-mode": "Node"},
            }
        },
        False,
        False,
        [],
        one(
            "authorization-mode cannot be used in conjunction with AuthorizationConfig, "
            "use eitherr AuthorizationConfig or authorization-mode"
        ),
    ),
    (
        "ControlPlaneAuthorizationConfigWithAuthorizationWebhook",
        controlplane(),
        {
            "apiServer": {
                "authorizationConfig": [{"type": "Node", "name": "node"}],
                "extraArgs": {"authorization-webhook-version": "v1"},
            }
        },
        False,
        False,
        [],
        one(
            "authorization-webhook-* flags cannot be used in conjunction with AuthorizationConfig, "
            "use either AuthorizationConfig or authorization-webhook-* flags"
        ),
    ),
    # HEAD: the field is deprecated (warning), the overrides themselves are valid
    (
        "MachineBaseRuntimeSpecOverrides",
        controlplane(
            baseRuntimeSpecOverrides={
                "process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]}
            }
        ),
        None,
        False,
        False,
        [".machine.baseRuntimeSpecOverrides is deprecated; use a CRIBaseRuntimeSpecConfig document instead"],
        "",
    ),
    (
        "MachineFeaturesInvalidAddressSortingAlgorithm",
        controlplane(features={"nodeAddressSortAlgorithm": "xyz"}),
        None,
        False,
        False,
        [],
        one("invalid node address sort algorithm: xyz does not belong to AddressSortAlgorithm values"),
    ),
]


@pytest.mark.parametrize(
    ("machine", "cluster", "requires_install", "strict", "warnings", "error"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_validate_table(
    machine: Any, cluster: Any, requires_install: bool, strict: bool, warnings: list[str], error: str
) -> None:
    config = build(machine, cluster)
    got_warnings, got_errors = validate_config(config, "metal" if requires_install else "cloud", strict)
    assert got_warnings == warnings
    assert error_text(got_errors) == error


def test_config_validate_delegates() -> None:
    config = build({"type": "bogus", "ca": {"crt": FOO, "key": BAR}})
    assert config.validate("cloud") == ([], ['unknown machine type "bogus"'])


def test_mode_object_and_unknown_mode() -> None:
    from pytalos.machinery.config.mode import RuntimeMode

    config = build(worker(install={}))
    assert validate_config(config, RuntimeMode.METAL)[1] == [
        "either install disk or diskSelector should be defined"
    ]
    assert validate_config(config, RuntimeMode.CONTAINER) == ([], [])
    with pytest.raises(ValueError, match='unknown runtime mode: "x"'):
        validate_config(config, "x")
