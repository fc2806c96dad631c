"""Talos's ``TestValidateCNI`` table plus the HEAD rules the Go table does not cover.

Each case builds a config, validates it and compares the exact texts Talos prints.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytalos.machinery.config.types.v1alpha1 import (
    ClusterConfig,
    ClusterNetworkConfig,
    CNIConfig,
    FlannelCNIConfig,
)
from pytalos.machinery.config.validation import validate_cni, validate_config
from pytalos.machinery.config.validation.cluster import cluster_cni

from ._build import BAR, FOO, build, controlplane, worker

pytestmark = pytest.mark.unit

URL = "https://host.test/quick-install.yaml"

CNI_CASES: list[tuple[str, CNIConfig | None, list[str], list[str]]] = [
    ("Nil", None, [], []),
    ("Empty", CNIConfig(), [], ['cni name should be one of ["flannel", "custom", "none"]']),
    ("FlannelNoManifests", CNIConfig(cni_name="flannel"), [], []),
    (
        "FlannelManifests",
        CNIConfig(cni_name="flannel", cni_urls=[URL]),
        [],
        ['"urls" field should be empty for "flannel" CNI'],
    ),
    (
        "FlannelExtraArgs",
        CNIConfig(cni_name="flannel", cni_flannel=FlannelCNIConfig(flanneld_extra_args=["--foo"])),
        [],
        [],
    ),
    (
        "CustomNoManifests",
        CNIConfig(cni_name="custom"),
        ['"urls" field should not be empty for "custom" CNI'],
        [],
    ),
    (
        "CustomFlannelExtraArgs",
        CNIConfig(
            cni_name="custom", cni_urls=[URL], cni_flannel=FlannelCNIConfig(flanneld_extra_args=["--foo"])
        ),
        [],
        ['"flanneldExtraArgs" field should be empty for "custom" CNI'],
    ),
    ("CustomManifests", CNIConfig(cni_name="custom", cni_urls=[URL]), [], []),
    ("NoneNoManifests", CNIConfig(cni_name="none"), [], []),
    (
        "NoneManifests",
        CNIConfig(cni_name="none", cni_urls=[URL]),
        [],
        ['"urls" field should be empty for "none" CNI'],
    ),
    (
        "CustomBadURL",
        CNIConfig(cni_name="custom", cni_urls=["https://:70000/x"]),
        [],
        ["hostname must not be blank"],
    ),
]


@pytest.mark.parametrize(("cni", "warnings", "errors"), [pytest.param(*c[1:], id=c[0]) for c in CNI_CASES])
def test_validate_cni(cni: CNIConfig | None, warnings: list[str], errors: list[str]) -> None:
    cluster = ClusterConfig()
    if cni is not None:
        cluster.cluster_network = ClusterNetworkConfig(cni=cni)
    assert validate_cni(cluster_cni(cluster)) == (warnings, errors)


# (name, machine, cluster, mode, warnings, errors) for rules added or kept at HEAD
RULES: list[tuple[str, Any, Any, str, list[str], list[str]]] = [
    (
        "InstallWithoutDiskMetal",
        worker(install={"image": "ghcr.io/siderolabs/installer:v1.9.0"}),
        None,
        "metal",
        [],
        ["either install disk or diskSelector should be defined"],
    ),
    ("InstallWithoutDiskContainer", worker(install={"wipe": False}), None, "container", [], []),
    (
        "InstallDiskSelector",
        worker(install={"diskSelector": {"size": ">= 1TB", "type": "ssd"}}),
        None,
        "metal",
        [],
        [],
    ),
    (
        "InstallDiskSelectorByName",
        worker(install={"diskSelector": {"name": "sda"}}),
        None,
        "metal",
        [],
        [
            "install disk selector is invalid: selector on name is not supported",
            "either install disk or diskSelector should be defined",
        ],
    ),
    (
        "InstallDiskSelectorBadType",
        worker(install={"disk": "/dev/sda", "diskSelector": {"type": "floppy"}}),
        None,
        "metal",
        [],
        ['install disk selector is invalid: unsupported disk type "floppy"'],
    ),
    (
        "InstallKernelArgsAndUKICmdline",
        worker(install={"disk": "/dev/sda", "extraKernelArgs": ["a=b"], "grubUseUKICmdline": True}),
        None,
        "metal",
        [],
        ["install.extraKernelArgs and install.grubUseUKICmdline can't be used together"],
    ),
    (
        "InstallExtensionsDuplicate",
        worker(install={"disk": "/dev/sda", "extensions": [{"image": "a:1"}, {"image": "a:1"}]}),
        None,
        "cloud",
        [
            ".machine.install.extensions is deprecated, please see "
            "https://docs.siderolabs.com/talos/latest/platform-specific-installations/boot-assets"
        ],
        ['duplicate system extension "a:1"'],
    ),
    (
        "HostDNSForwardWithoutEnabled",
        worker(features={"hostDNS": {"forwardKubeDNSToHost": True}}),
        None,
        "cloud",
        [],
        [
            "feature hostDNS.forwardKubeDNSToHost requires hostDNS.enabled to be true "
            "(.machine.features.hostDNS)"
        ],
    ),
    (
        "UnknownMachineType",
        {"type": "master", "ca": {"crt": FOO}},
        None,
        "cloud",
        [],
        ['unknown machine type "master"'],
    ),
    ("InitMachineType", {"type": "init", "ca": {"crt": FOO, "key": BAR}}, None, "cloud", [], []),
    (
        "NoCAAtAll",
        {"type": "controlplane"},
        None,
        "cloud",
        [],
        [
            "issuing CA or some accepted CAs are required (.machine.ca, machine.acceptedCAs)",
            "issuing CA is required (.machine.ca)",
        ],
    ),
    (
        "WorkerWithCAKeys",
        {"type": "worker", "ca": {"crt": FOO, "key": BAR}},
        {"ca": {"crt": FOO, "key": BAR}},
        "cloud",
        [],
        [
            "cluster CA key is not allowed on non-controlplane nodes (.cluster.ca)",
            "issuing Talos API CA key is not allowed on non-controlplane nodes (.machine.ca)",
            "issuing Kubernetes API CA key is not allowed on non-controlplane nodes (.cluster.ca)",
        ],
    ),
    (
        "WorkerVIP",
        worker(
            network={
                "interfaces": [
                    {
                        "interface": "eth0",
                        "dhcp": True,
                        "vip": {"ip": "10.0.0.1"},
                        "vlans": [{"vlanId": 5, "vip": {"ip": "10.0.1.1"}}],
                    }
                ]
            }
        ),
        None,
        "cloud",
        [],
        ["virtual (shared) IP is not allowed on non-controlplane nodes"] * 2,
    ),
    (
        "ControlPlaneBadVIP",
        controlplane(network={"interfaces": [{"interface": "eth0", "vip": {"ip": "10.0.0"}}]}),
        None,
        "cloud",
        [],
        ['[networking.os.device.vip] failed to parse "10.0.0" as IP address'],
    ),
    (
        "IgnoredDeviceNotChecked",
        controlplane(network={"interfaces": [{"interface": "eth0", "ignore": True, "cidr": "bogus"}]}),
        None,
        "cloud",
        [],
        [],
    ),
    (
        "BondModeCompatibility",
        controlplane(
            network={
                "interfaces": [
                    {
                        "interface": "bond0",
                        "bond": {
                            "mode": "balance-tlb",
                            "lacpRate": "fast",
                            "arpValidate": "all",
                            "arpInterval": 100,
                            "tlbDynamicLb": 1,
                            "packetsPerSlave": 2,
                            "adUserPortKey": 3,
                            "miimon": 100,
                            "updelay": 150,
                            "downdelay": 200,
                            "arpIPTarget": ["10.0.0.1"],
                            "adActorSystem": "00:11:22:33:44:55",
                            "xmitHashPolicy": "layer5",
                        },
                    }
                ]
            }
        ),
        None,
        "cloud",
        [],
        [
            "invalid xmit hash policy layer5",
            "bond.upDelay should be a multiple of miiMon",
            "bond.arpIPTarget is not supported",
            "bond.lacpRate is only available in 802.3ad mode",
            "bond.adActorSystem is not supported",
            "bond.arpValidate is not available in balance-tlb mode",
            "bond.arpInterval is not available in balance-tlb mode",
            "bond.packetsPerSlave is not available in balance-tlb mode",
            "bond.adUserPortKey is only available in 802.3ad mode",
        ],
    ),
    (
        "BondPrimaryAndTLB",
        controlplane(
            network={
                "interfaces": [
                    {"interface": "bond0", "bond": {"mode": "802.3ad", "primary": "eth0", "tlbDynamicLb": 1}}
                ]
            }
        ),
        None,
        "cloud",
        [],
        [
            "bond.primary is not available in 802.3ad mode",
            "bond.tlbDynamicTLB is not available in 802.3ad mode",
        ],
    ),
    (
        "WireguardBadPrivateKey",
        controlplane(
            network={"interfaces": [{"interface": "wg0", "wireguard": {"privateKey": "not*base64"}}]}
        ),
        None,
        "cloud",
        [],
        ["private key is invalid: illegal base64 data at input byte 3"],
    ),
    (
        "ControlPlaneEndpointBadPort",
        controlplane(),
        {"controlPlane": {"endpoint": "https://example.com:99999"}},
        "cloud",
        [],
        ["invalid controlplane endpoint: port number must be between 1 and 65535"],
    ),
    (
        "DNSDomainInvalid",
        controlplane(),
        {"network": {"dnsDomain": "bad domain"}},
        "cloud",
        [],
        ['"bad domain" is not a valid DNS name'],
    ),
    (
        "EtcdSubnetAndAdvertised",
        controlplane(),
        {"etcd": {"ca": {"crt": FOO}, "subnet": "10.0.0.0/8", "advertisedSubnets": ["10.0.0.0/8"]}},
        "cloud",
        [],
        ["etcd subnet can't be set when advertised subnets are set"],
    ),
    (
        "DiscoveryServicePath",
        controlplane(),
        {
            "id": "a",
            "secret": "b",
            "discovery": {"enabled": True, "registries": {"service": {"endpoint": "https://d.example/x"}}},
        },
        "cloud",
        [],
        ["cluster discovery service path should be empty"],
    ),
    (
        "DiscoveryServiceDisabled",
        controlplane(),
        {"discovery": {"enabled": True, "registries": {"service": {"disabled": True}}}},
        "cloud",
        [],
        [],
    ),
    (
        "MachineFilesDeprecated",
        worker(files=[{"content": "x", "permissions": 0o644, "path": "/var/f", "op": "create"}]),
        None,
        "cloud",
        [".machine.files is deprecated; use dedicated configuration documents instead"],
        [],
    ),
    (
        "DiskPartitions",
        worker(
            disks=[
                {
                    "device": "/dev/sdb",
                    "partitions": [{"mountpoint": "/var/a"}, {"size": "1GB", "mountpoint": "/var/b"}],
                }
            ]
        ),
        None,
        "cloud",
        [],
        [
            'partition for disk "/dev/sdb" is set to occupy full disk, but it\'s not the last '
            "partition in the list"
        ],
    ),
    (
        "SystemDiskEncryption",
        worker(
            systemDiskEncryption={
                "ephemeral": {"provider": "luks2", "keys": [{"slot": 0, "nodeID": {}}, {"slot": 0}]},
                "state": {"provider": "luks2", "keys": []},
            }
        ),
        None,
        "cloud",
        [],
        [
            'partition "EPHEMERAL": encryption key slot 0 is already in use',
            'partition "EPHEMERAL": encryption key at slot 0 doesn\'t have the configuration parameters',
            'partition "STATE": no encryption keys provided',
        ],
    ),
    (
        "LoggingDestinations",
        worker(
            logging={
                "destinations": [
                    {"endpoint": "http://example.com:514", "format": "json"},
                    {"endpoint": "udp:///x", "format": "json_lines"},
                ]
            }
        ),
        None,
        "cloud",
        [],
        [
            'unexpected logging endpoint scheme "http"',
            'unknown logging format "json"',
            "empty logging endpoint's host",
        ],
    ),
    (
        "NodeAnnotationsAndTaints",
        worker(
            nodeAnnotations={"talos.dev/owned-labels": "x"},
            nodeTaints={"a": "b:Bad", "c": "NoSchedule", "d": "bad value:NoExecute"},
        ),
        None,
        "cloud",
        [],
        [
            "invalid machine node annotations: 1 error occurred:\n\t* annotation "
            '"talos.dev/owned-labels" is reserved\n\n',
            'invalid machine node taints: 2 errors occurred:\n\t* invalid taint effect: "Bad"\n'
            '\t* label value "bad value" is invalid\n\n',
        ],
    ),
    ("PersistFalse", worker(), None, "cloud", [], [".persist should be enabled"]),
    (
        "RegistriesNull",
        worker(registries={"mirrors": {"docker.io": None}, "config": {"ghcr.io": None}}),
        None,
        "cloud",
        [],
        ['registries.config["ghcr.io"] is null', 'registries.mirrors["docker.io"] is null'],
    ),
    (
        "BaseRuntimeSpecWrongType",
        worker(baseRuntimeSpecOverrides={"process": "x"}),
        None,
        "cloud",
        [".machine.baseRuntimeSpecOverrides is deprecated; use a CRIBaseRuntimeSpecConfig document instead"],
        [
            "failed to unmarshal base runtime spec overrides: json: cannot unmarshal string into "
            "Go struct field "
            "Spec.process of type specs.Process"
        ],
    ),
    (
        "AddressSortAlgorithmV2",
        controlplane(features={"nodeAddressSortAlgorithm": "v2"}),
        None,
        "cloud",
        [],
        [],
    ),
    ("ClusterMissing", worker(), "MISSING", "cloud", [], ["cluster instructions are required"]),
]


@pytest.mark.parametrize(
    ("machine", "cluster", "mode", "warnings", "errors"), [pytest.param(*r[1:], id=r[0]) for r in RULES]
)
def test_rules(machine: Any, cluster: Any, mode: str, warnings: list[str], errors: list[str]) -> None:
    top = {"persist": False} if warnings == [] and errors == [".persist should be enabled"] else {}
    config = build(machine, None if cluster == "MISSING" else cluster, **top)
    if cluster == "MISSING":
        config.cluster_config = None
    assert validate_config(config, mode) == (warnings, errors)


def test_strict_turns_every_warning_into_an_error() -> None:
    config = build(worker(network={"interfaces": [{"interface": "eth0", "cidr": "10.0.0.1/24"}]}))
    assert validate_config(config, "cloud", strict=True) == (
        [],
        [
            'warning: "eth0": machine.network.interface.cidr is deprecated, '
            "please use machine.network.interface.addresses"
        ],
    )
