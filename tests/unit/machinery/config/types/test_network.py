"""Network documents: byte-exact round trips of Talos's fixtures, validation texts, merges, codecs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytalos.machinery.config.document import Document, lookup
from pytalos.machinery.config.errors import DecodeError
from pytalos.machinery.config.schema import decode_struct, encode_struct, merge_structs
from pytalos.machinery.config.types import network as net
from pytalos.machinery.yamlx import Mapping, Scalar, emit, parse_documents
from tests._shared import config_testdata

from ._group_roundtrip import decode_doc, fixture_text, group_kinds
from ._group_roundtrip import encode_doc as encode

pytestmark = pytest.mark.unit

NETWORK_FIXTURES = [
    "bgpinstanceconfig.yaml",
    "blackholerouteconfig.yaml",
    "bondconfig.yaml",
    "bridgeconfig.yaml",
    "defaultactionconfig.yaml",
    "dhcpv4config.yaml",
    "dhcpv6config.yaml",
    "dummylinkconfig.yaml",
    "ethernetconfig.yaml",
    "hcloudvipconfig.yaml",
    "hostnameconfig.yaml",
    "httpprobeconfig.yaml",
    "kubespanconfig.yaml",
    "kubespanendpointsconfig.yaml",
    "layer2vipconfig.yaml",
    "linkaliasconfig.yaml",
    "linkconfig.yaml",
    "resolverconfig.yaml",
    "resolverconfig_with_hostdns.yaml",
    "routingruleconfig.yaml",
    "ruleconfig.yaml",
    "statichostconfig.yaml",
    "tcpprobeconfig.yaml",
    "timesyncconfig.yaml",
    "timesyncconfig_nts.yaml",
    "vethconfig.yaml",
    "vlanconfig.yaml",
    "vrfconfig.yaml",
    "wireguardconfig.yaml",
]
STABILITY_FILES = [
    f"{version}/{flavour}-{machine}.yaml"
    for version in ("v1.12", "v1.13", "v1.14", "v1.15")
    for flavour in ("base", "overrides")
    for machine in ("controlplane", "worker")
]


KINDS = group_kinds(net)


def decode(text: str) -> Document:
    return decode_doc(text, KINDS)


def fixture(name: str) -> str:
    return fixture_text("network", name)


@pytest.mark.parametrize("name", NETWORK_FIXTURES)
def test_fixture_round_trips_byte_for_byte(name: str) -> None:
    text = fixture(name)
    doc = decode(text)
    assert doc.__module__.startswith("pytalos.machinery.config.types.network.")
    assert encode(doc) == text


@pytest.mark.parametrize("name", NETWORK_FIXTURES)
def test_fixture_is_valid(name: str) -> None:
    warnings, errors = decode(fixture(name)).validate("metal")
    assert errors == []
    assert warnings == []


def test_every_fixture_is_covered() -> None:
    folder = config_testdata("types", "network", "testdata")
    names = {p.name for p in folder.glob("*.yaml")}
    assert names == set(NETWORK_FIXTURES) | {"wireguardconfig_redacted.yaml"}


def test_wireguard_redacted_fixture() -> None:
    doc = decode(fixture("wireguardconfig.yaml"))
    assert isinstance(doc, net.WireguardConfigV1Alpha1)
    doc.redact("REDACTED")
    assert encode(doc) == fixture("wireguardconfig_redacted.yaml")
    # public keys are not secrets
    assert doc.peers[0].public_key == "735jkJdcVDninU5PzLJ/S+bfN6Q3QOk6svWrVLMJQAk="
    assert doc.peers[0].preshared_key == ""


@pytest.mark.parametrize("rel", STABILITY_FILES)
def test_stability_network_documents_round_trip(rel: str) -> None:
    path: Path = config_testdata("types", "v1alpha1", "testdata", "stability", rel)
    text = path.read_text()
    chunks = text.split("\n---\n")
    nodes = parse_documents(text)
    assert len(chunks) == len(nodes)
    seen = []
    for chunk, node in zip(chunks, nodes, strict=True):
        assert isinstance(node, Mapping)
        kind = node.get("kind")
        cls = lookup("v1alpha1", kind.value) if isinstance(kind, Scalar) else None
        if cls is None or not cls.__module__.startswith("pytalos.machinery.config.types.network."):
            continue
        expected = chunk if chunk.endswith("\n") else chunk + "\n"
        assert emit(encode_struct(decode_struct(cls, node))) == expected
        seen.append(cls.KIND)
    expected_kinds = {"HostnameConfig"}
    if rel.startswith(("v1.14/", "v1.15/")):
        expected_kinds.add("ResolverConfig")  # generated since the 1.14 contract
    assert expected_kinds <= set(seen)


# ---------------------------------------------------------------- Go encoding semantics


def test_non_nil_zero_pointer_enum_is_written() -> None:
    doc = decode("apiVersion: v1alpha1\nkind: HostnameConfig\nauto: off\n")
    assert isinstance(doc, net.HostnameConfigV1Alpha1)
    assert doc.auto == net.AutoHostnameKind(0)
    # written although zero (a nil pointer would be omitted), quoted so it stays a string
    out = encode(doc)
    assert out.startswith("apiVersion: v1alpha1\nkind: HostnameConfig\nauto: ")
    assert out.strip().endswith(("'off'", '"off"'))
    redecoded = decode(out)
    assert isinstance(redecoded, net.HostnameConfigV1Alpha1)
    assert redecoded.auto == net.AutoHostnameKind(0)


def test_zero_enum_value_field_is_omitted() -> None:
    text = (
        "apiVersion: v1alpha1\nkind: ResolverConfig\n"
        "nameservers:\n    - address: 1.1.1.1\n      protocol: Do53\n"
    )
    out = encode(decode(text))
    assert "protocol" not in out
    assert "address: 1.1.1.1" in out


def test_zero_valued_bond_options_are_kept() -> None:
    text = (
        "apiVersion: v1alpha1\nkind: BondConfig\nname: bond0\nlinks:\n    - eth0\n"
        "bondMode: balance-rr\nmiimon: 0\nadSelect: stable\n"
    )
    assert encode(decode(text)) == text


def test_enum_accepts_lower_case_and_writes_canonical_name() -> None:
    doc = decode(
        "apiVersion: v1alpha1\nkind: ResolverConfig\n"
        "nameservers:\n    - address: 1.1.1.1\n      protocol: dot\n      tlsServerName: x\n"
    )
    assert isinstance(doc, net.ResolverConfigV1Alpha1)
    assert str(doc.nameservers[0].protocol) == "DoT"


def test_empty_hostnames_list_is_written() -> None:
    doc = net.StaticHostConfigV1Alpha1(name="10.0.0.1")
    assert encode(doc) == "apiVersion: v1alpha1\nkind: StaticHostConfig\nname: 10.0.0.1\nhostnames: []\n"


def test_routing_table_names_and_numbers() -> None:
    assert str(net.RoutingTable.parse("MAIN")) == "main"
    assert net.RoutingTable.parse("100").value == 100
    doc = decode('apiVersion: v1alpha1\nkind: RoutingRuleConfig\nname: "10"\ntable: main\n')
    assert encode(doc).endswith("table: main\n")


def test_address_codecs_use_go_spelling() -> None:
    assert str(net.Prefix.parse("::FFFF:1.2.3.4/128")) == "::ffff:1.2.3.4/128"
    assert str(net.Prefix.parse("2001:DB8:0:0::1/64")) == "2001:db8::1/64"
    assert str(net.AddrPort.parse("[2001:db8::1]:51820")) == "[2001:db8::1]:51820"
    assert str(net.HardwareAddr.parse("2E:3C:4D:5E:6F:70")) == "2e:3c:4d:5e:6f:70"
    assert net.Prefix.parse("10.1.2.3/8").masked() == net.Prefix.parse("10.0.0.0/8")


def test_port_range_forms() -> None:
    assert net.PortRange.parse("8000-9000") == net.PortRange(8000, 9000)
    assert net.validate_port_ranges([net.PortRange(10, 20), net.PortRange(15, 30)]) == (
        "invalid port range: 15-30, overlaps with 10-20"
    )
    assert net.validate_port_ranges([net.PortRange(20, 10)]) == "invalid port range: 20-10"


# ---------------------------------------------------------------- decode errors


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        (
            "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\naddresses:\n    - address: 10.0.0.1\n",
            "addresses[0].address",
            "netip.ParsePrefix(\"10.0.0.1\"): no '/'",
        ),
        (
            "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\naddresses:\n    - address: 10.0.0.1/33\n",
            "addresses[0].address",
            "prefix length out of range",
        ),
        (
            "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\nroutes:\n    - gateway: 10.0.0.300\n",
            "routes[0].gateway",
            'ParseAddr("10.0.0.300")',
        ),
        (
            "apiVersion: v1alpha1\nkind: BondConfig\nname: b\nbondMode: 802.3xx\n",
            "bondMode",
            "802.3xx does not belong to BondMode values",
        ),
        (
            "apiVersion: v1alpha1\nkind: NetworkRuleConfig\nname: r\n"
            "portSelector:\n    ports:\n        - 8000:9000\n",
            "portSelector.ports[0]",
            'invalid port range: "8000:9000"',
        ),
        (
            "apiVersion: v1alpha1\nkind: DummyLinkConfig\nname: d\nhardwareAddr: zz:00\n",
            "hardwareAddr",
            "encoding/hex: invalid byte",
        ),
        (
            "apiVersion: v1alpha1\nkind: KubeSpanEndpointsConfig\n"
            "extraAnnouncedEndpoints:\n    - 2001:db8::1:80\n",
            "extraAnnouncedEndpoints[0]",
            "square brackets",
        ),
        (
            "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\nmtuu: 1500\n",
            "mtuu",
            'unknown key "mtuu"',
        ),
    ],
)
def test_decode_errors_name_the_field(text: str, path: str, message: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(text)
    assert info.value.path == path
    assert message in info.value.message


# ---------------------------------------------------------------- validation


def errors_of(text: str) -> list[str]:
    return decode("apiVersion: v1alpha1\n" + text).validate("metal")[1]


def warnings_of(text: str) -> list[str]:
    return decode("apiVersion: v1alpha1\n" + text).validate("metal")[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('kind: LinkConfig\nname: ""\n', ["name must be specified"]),
        (
            "kind: LinkConfig\nname: eth0\naddresses:\n    - address: 0.0.0.0/0\n"
            'routes:\n    - gateway: "::"\n',
            ["address 0 must be a valid IP address", "route 0 gateway must be a valid IP address"],
        ),
        ('kind: LinkConfig\nname: eth0\naddresses:\n    - address: ""\n', ["address 0 must be specified"]),
        (
            "kind: BondConfig\nname: bond0\n",
            ["at least one link must be specified", "bond mode must be specified"],
        ),
        (
            "kind: DHCPv4Config\nname: eth0\nduidRaw: 00:01\n",
            ["duidRaw can only be set if clientIdentifier is 'duid'"],
        ),
        (
            "kind: DHCPv6Config\nname: eth0\nclientIdentifier: duid\n",
            ["duidRaw must be set if clientIdentifier is 'duid'"],
        ),
        (
            "kind: HostnameConfig\nauto: stable\nhostname: foo\n",
            ["'auto' and 'hostname' cannot be set at the same time"],
        ),
        ("kind: HostnameConfig\n", ["either 'auto' or 'hostname' must be set"]),
        ("kind: HostnameConfig\nauto: talos-addr\n", ["invalid value for 'auto': talos-addr"]),
        (
            "kind: VLANConfig\nname: v\nvlanID: 4095\n",
            ["vlanID must be specified and between 1 and 4094", "parent must be specified"],
        ),
        ("kind: VRFConfig\nname: vrf0\ntable: main\n", ["cannot create vrf with reserved table main"]),
        (
            "kind: ResolverConfig\nnameservers:\n    - address: 1.1.1.1\n      protocol: DoT\n",
            ["tlsServerName must be set when protocol is DoT: entry 0"],
        ),
        (
            "kind: ResolverConfig\nhostDNS:\n    enabled: false\n    forwardKubeDNSToHost: true\n",
            ["hostDNS.forwardKubeDNSToHost cannot be enabled when hostDNS.enabled is false"],
        ),
        (
            'kind: RoutingRuleConfig\nname: "32766"\n',
            [
                "priority must be between 1 and 32765 (excluding reserved priorities [0 32500 32766 32767])",
                "either table or a non-unicast action must be specified",
            ],
        ),
        (
            "kind: RoutingRuleConfig\nname: abc\naction: blackhole\n",
            [
                "invalid name: must be priority parsable unsigned integer: "
                'strconv.ParseUint: parsing "abc": invalid syntax',
                "priority must be between 1 and 32765 (excluding reserved priorities [0 32500 32766 32767])",
            ],
        ),
        (
            "kind: NetworkRuleConfig\nname: r\n"
            "portSelector:\n    ports:\n        - 80\n        - 70-90\n    protocol: tcp\ningress: []\n",
            ["invalid port range: 80-80, overlaps with 70-90"],
        ),
        (
            "kind: NetworkRuleConfig\nname: r\nportSelector:\n    protocol: tcp\ningress: []\n",
            ["portSelector.ports is required"],
        ),
        (
            "kind: WireguardConfig\nname: wg0\nprivateKey: AAAA\npeers:\n    - allowedIPs: [10.0.0.0/8]\n",
            [
                "wireguard private key is invalid: invalid wireguard key length",
                "wireguard peer public key must be specified (peer index 0)",
            ],
        ),
        ("kind: WireguardConfig\nname: wg0\n", ["wireguard private key must be specified"]),
        (
            "kind: BlackholeRouteConfig\nname: 10.0.0.0\n",
            ["name must be a valid address prefix: netip.ParsePrefix(\"10.0.0.0\"): no '/'"],
        ),
        (
            "kind: StaticHostConfig\nname: host\nhostnames: []\n",
            ["name must be a valid IP address", "at least one hostname is required"],
        ),
        ("kind: Layer2VIPConfig\nname: 10.0.0.1\n", ["link must be specified"]),
        ("kind: HCloudVIPConfig\nname: 10.0.0.1\nlink: eth0\n", ["apiToken must be specified"]),
        ("kind: KubeSpanConfig\nmtu: 1000\n", ["kubespan link MTU must be at least 1280"]),
        (
            'kind: KubeSpanConfig\nfilters:\n    endpoints:\n        - "!foo"\n',
            ['KubeSpan endpoint filter is not valid: "foo"'],
        ),
        (
            "kind: TimeSyncConfig\nntp:\n    servers: [/dev/ptp0]\nptp:\n    devices: [/dev/rtc0]\n",
            [
                "only one of ntp or ptp configuration can be specified",
                'PTP devices should be specified in the ptp section, not as NTP servers: "/dev/ptp0"',
                "PTP device path \"/dev/rtc0\" should have a name starting with 'ptp'",
            ],
        ),
        ("kind: VethConfig\nname: veth0\npeer:\n    name: veth0\n", ["name and peer name must be different"]),
        (
            'kind: VethConfig\nname: a-very-long-veth-name\npeer:\n    name: ""\n',
            ["name must not exceed 15 bytes", "peer name must be specified"],
        ),
        (
            "kind: LinkAliasConfig\nname: net%s\n",
            ['name "net%s" contains an invalid format verb, use %d suffix', "link selector is required"],
        ),
        (
            "kind: HTTPProbeConfig\nname: p\nurl: ftp://example.com\n",
            ['HTTP probe URL scheme must be http or https, got "ftp"'],
        ),
        (
            "kind: TCPProbeConfig\nname: p\ninterval: -1s\n",
            ["TCP probe endpoint is required", "probe interval cannot be negative: -1s"],
        ),
        ('kind: EthernetConfig\nname: ""\n', ["name is required"]),
        (
            "kind: BGPInstanceConfig\nname: a\nrouterID: 2001:db8::1\n"
            "neighbors:\n    - address: 10.0.0.1\n      link: eth0\n    - link: eth1\n    - link: eth1\n"
            "importRoutes:\n    - bgpInstance: a\n      prefixes: [10.0.0.1/8]\n",
            [
                "localASN must be specified",
                "routerID must be an IPv4 address",
                "neighbor[0]: exactly one of address or link must be set",
                'neighbor[2]: duplicate neighbor "eth1"',
                'importRoutes[0]: cannot import from the same BGP instance "a"',
                "importRoutes[0].prefixes[0]: prefix 10.0.0.1/8 must be masked",
            ],
        ),
    ],
)
def test_validation_errors(text: str, expected: list[str]) -> None:
    assert errors_of(text) == expected


def test_validation_warnings() -> None:
    assert warnings_of("kind: BondConfig\nname: b\nlinks: [eth0]\nbondMode: 802.3ad\nmiimon: 100\n") == [
        "updelay was not specified for 802.3ad bond",
        "downdelay was not specified for 802.3ad bond",
    ]
    assert warnings_of("kind: BGPInstanceConfig\nname: a\nlocalASN: 1\n") == [
        "BGPInstanceConfig has no neighbors configured"
    ]
    encrypted = (
        "kind: ResolverConfig\nnameservers:\n"
        "    - address: 1.1.1.1\n      protocol: DoH\n      tlsServerName: x\n"
    )
    assert len(warnings_of(encrypted)) == 1


# ---------------------------------------------------------------- merges (config patches)


def merged(left: str, right: str) -> Any:
    a, b = decode("apiVersion: v1alpha1\n" + left), decode("apiVersion: v1alpha1\n" + right)
    merge_structs(a, b)
    return a


def test_link_addresses_and_routes_append() -> None:
    doc = merged(
        "kind: LinkConfig\nname: eth0\nmtu: 1500\naddresses:\n    - address: 10.0.0.1/24\n",
        "kind: LinkConfig\nname: eth0\naddresses:\n    - address: 10.0.0.2/24\nup: false\n",
    )
    assert [str(a.address) for a in doc.common.addresses] == ["10.0.0.1/24", "10.0.0.2/24"]
    assert doc.common.mtu == 1500
    assert doc.common.up is False


def test_rule_ports_and_ingress_are_replaced() -> None:
    base = (
        "kind: NetworkRuleConfig\nname: r\nportSelector:\n    ports: [22, 80]\n    protocol: tcp\n"
        "ingress:\n    - subnet: 10.0.0.0/8\n"
    )
    patch = (
        "kind: NetworkRuleConfig\nname: r\nportSelector:\n    ports: [443]\n"
        "ingress:\n    - subnet: 192.168.0.0/16\n"
    )
    doc = merged(base, patch)
    assert doc.port_selector.ports == [net.PortRange(443, 443)]
    assert str(doc.port_selector.protocol) == "tcp"
    assert [str(r.subnet) for r in doc.ingress] == ["192.168.0.0/16"]


def test_bgp_neighbors_are_replaced() -> None:
    doc = merged(
        "kind: BGPInstanceConfig\nname: a\nlocalASN: 1\nneighbors:\n    - link: eth0\n",
        "kind: BGPInstanceConfig\nname: a\nneighbors:\n    - link: eth1\n",
    )
    assert [n.link for n in doc.neighbors] == ["eth1"]
    assert doc.local_asn == 1


def test_documents_are_registered_with_identity() -> None:
    doc = decode(fixture("linkconfig.yaml"))
    assert doc.identity() == "v1alpha1/LinkConfig/enp0s1"
    assert decode(fixture("hostnameconfig.yaml")).identity() == "v1alpha1/HostnameConfig"
    assert "BondConfig" in net.conflicting_link_kinds("LinkConfig")
    assert "LinkConfig" not in net.conflicting_link_kinds("LinkConfig")
