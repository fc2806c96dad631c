"""Resources copy deeply; definitions get COSI's aliases; the registry resolves them or says why not."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from pytalos.machined.runtime import (
    AmbiguousTypeError,
    DefinitionError,
    Metadata,
    Resource,
    ResourceRegistry,
    UnknownTypeError,
    define,
)
from pytalos.machined.runtime.query import LabelOp, LabelQuery, LabelTerm, parse_selector

pytestmark = pytest.mark.unit


@dataclass
class Spec:
    name: str = ""
    addresses: list[str] = field(default_factory=list)
    extra: dict[str, list[int]] = field(default_factory=dict)


def test_deep_copy_shares_nothing_mutable() -> None:
    res = Resource.new(
        "network", "Links.net.talos.dev", "eth0", Spec("a", ["1"], {"k": [1]}), labels={"x": "1"}
    )
    res.metadata.finalizers.append("f")
    cp = res.deep_copy()
    cp.spec.addresses.append("2")
    cp.spec.extra["k"].append(2)
    cp.metadata.labels["y"] = "2"
    cp.metadata.finalizers.append("g")
    assert res.spec == Spec("a", ["1"], {"k": [1]})
    assert res.metadata.labels == {"x": "1"} and res.metadata.finalizers == ["f"]
    assert cp.spec is not res.spec and type(cp.spec) is Spec


def test_deep_copy_of_dict_and_scalar_specs() -> None:
    res = Resource.new("ns", "Things.test.dev", "a", {"a": [{"b": 1}]})
    cp = res.deep_copy()
    cp.spec["a"][0]["b"] = 2
    assert res.spec == {"a": [{"b": 1}]}
    assert Resource.new("ns", "Things.test.dev", "a", "text").deep_copy().spec == "text"


def test_same_content_ignores_version_but_not_labels() -> None:
    a = Resource(Metadata("ns", "Things.test.dev", "a", version=1), {"v": 1})
    b = Resource(Metadata("ns", "Things.test.dev", "a", version=7), {"v": 1})
    assert a.same_content(b)
    b.metadata.labels["l"] = "x"
    assert not a.same_content(b)


@pytest.mark.parametrize(
    ("type", "display", "aliases", "all_aliases"),
    [
        (
            "MachineConfigs.config.talos.dev",
            "MachineConfig",
            ("machineconfig", "mc", "mcs"),
            (
                "machineconfigs",
                "machineconfigs.config",
                "machineconfigs.config.talos",
                "machineconfig",
                "mc",
                "mcs",
            ),
        ),
        (
            "MachineStatuses.runtime.talos.dev",
            "MachineStatus",
            ("machinestatus", "ms"),
            (
                "machinestatuses",
                "machinestatuses.runtime",
                "machinestatuses.runtime.talos",
                "machinestatus",
                "ms",
            ),
        ),
        (
            "Members.cluster.talos.dev",
            "Member",
            ("member",),
            ("members", "members.cluster", "members.cluster.talos", "member"),
        ),
        ("Identities.cluster.talos.dev", "Identity", ("identity",), None),
        ("AddressStatuses.net.talos.dev", "AddressStatus", ("addressstatus", "as"), None),
        ("DNSResolveCaches.net.talos.dev", "DNSResolveCache", ("dnsresolvecache", "dnsrc", "dnsrcs"), None),
    ],
)
def test_aliases_like_cosi_fill(
    type: str, display: str, aliases: tuple[str, ...], all_aliases: tuple[str, ...] | None
) -> None:
    d = define(type, "runtime")
    assert d.display_type == display
    assert d.aliases == aliases
    if all_aliases is not None:
        assert d.all_aliases == all_aliases
    assert d.id == type.lower()


def test_explicit_aliases_come_first_and_sensitivity() -> None:
    d = define("Services.v1alpha1.talos.dev", "runtime", aliases=["svc"])
    assert d.aliases == ("svc", "service")
    assert not d.sensitive
    assert define("MachineConfigs.config.talos.dev", "config", sensitive=True).sensitive


@pytest.mark.parametrize(
    ("type", "message"),
    [
        ("Members", "missing suffix"),
        ("members.cluster.talos.dev", "CamelCase"),
        ("Member.cluster.talos.dev", "plural"),
        ("Members.Cluster", "suffix doesn't match"),
        ("Mem_bers.cluster.dev", "name doesn't match"),
    ],
)
def test_invalid_definitions_name_the_type(type: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message) as info:
        define(type, "cluster")
    assert type in str(info.value)


def _registry() -> ResourceRegistry:
    return ResourceRegistry(
        [
            define("Members.cluster.talos.dev", "cluster"),
            define("MachineConfigs.config.talos.dev", "config", sensitive=True),
            define("Services.v1alpha1.talos.dev", "runtime", aliases=["svc"]),
            define("MetaKeys.runtime.talos.dev", "runtime", aliases=["meta"]),
            define("MountStatuses.runtime.talos.dev", "runtime", aliases=["mounts"]),
            define("MachineStatuses.runtime.talos.dev", "runtime"),
        ]
    )


@pytest.mark.parametrize(
    ("name", "type"),
    [
        ("members", "Members.cluster.talos.dev"),
        ("member", "Members.cluster.talos.dev"),
        ("Members.cluster", "Members.cluster.talos.dev"),
        ("mc", "MachineConfigs.config.talos.dev"),
        ("mcs", "MachineConfigs.config.talos.dev"),
        ("machineconfig", "MachineConfigs.config.talos.dev"),
        ("svc", "Services.v1alpha1.talos.dev"),
        ("SERVICES", "Services.v1alpha1.talos.dev"),
        ("machinestatus", "MachineStatuses.runtime.talos.dev"),
        ("services.v1alpha1.talos.dev", "Services.v1alpha1.talos.dev"),
    ],
)
def test_resolve_by_alias(name: str, type: str) -> None:
    assert _registry().resolve(name).type == type


def test_resolve_ambiguous_and_unknown() -> None:
    reg = _registry()
    # MountStatuses and MachineStatuses both have the initials alias "ms"
    with pytest.raises(AmbiguousTypeError) as info:
        reg.resolve("ms")
    assert info.value.candidates == ["MachineStatuses.runtime.talos.dev", "MountStatuses.runtime.talos.dev"]
    assert "'ms' is ambiguous" in str(info.value)
    with pytest.raises(UnknownTypeError, match="'nosuch' is not registered"):
        reg.resolve("nosuch")


def test_type_name_wins_over_alias_of_other_type() -> None:
    reg = ResourceRegistry(
        [
            define("Links.net.talos.dev", "network"),
            define("Things.test.dev", "t", aliases=["links.net.talos.dev"]),
        ]
    )
    assert reg.resolve("links.net.talos.dev").type == "Links.net.talos.dev"


def test_registry_rejects_conflicting_reregistration() -> None:
    reg = _registry()
    reg.register(define("Members.cluster.talos.dev", "cluster"))  # identical: fine
    with pytest.raises(DefinitionError, match="already registered"):
        reg.register(define("Members.cluster.talos.dev", "other"))
    assert next(iter(reg)).type == "MachineConfigs.config.talos.dev"


def test_label_selector_parsing() -> None:
    q = parse_selector("a, !b, c=d, e!=f, g in (x, y)")
    assert q == LabelQuery.of(
        LabelTerm("a"),
        LabelTerm("b", LabelOp.NOT_EXISTS),
        LabelTerm("c", LabelOp.EQUAL, ("d",)),
        LabelTerm("e", LabelOp.NOT_EQUAL, ("f",)),
        LabelTerm("g", LabelOp.IN, ("x", "y")),
    )
    assert q.matches({"a": "", "c": "d", "g": "y"})
    assert not q.matches({"a": "", "c": "d", "g": "z"})
    assert not q.matches({"a": "", "b": "", "c": "d", "g": "y"})
