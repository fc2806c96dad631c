"""Validation messages carry their YAML path, and a loaded container resolves it to a source line."""

from __future__ import annotations

import copy
import pickle

import pytest

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.errors import ValidationError, format_location
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.validation import multierror_text, validate_documents
from pytalos.machinery.config.validation.container import validate_documents_report
from pytalos.machinery.config.validation.located import (
    Located,
    Location,
    at,
    by_subject,
    join_path,
    located,
    path_of,
    rebase,
    resolve_line,
    reword,
)
from pytalos.machinery.config.validation.report import Report
from pytalos.machinery.yamlx import parse_document

from ._build import bad_config_yaml, build, controlplane, worker

pytestmark = pytest.mark.unit

# line numbers are 1-based, as printed
BAD = bad_config_yaml(
    eth1=(
        "        cidr: 10.0.0.300/24\n"
        "        routes:\n"
        "          - gateway: 10.0.0.1\n"
        "          - network: bogus\n"
    ),
    link_addresses=["10.0.0.5/24", "0.0.0.0/24"],
    machine_extra=(
        "  nodeLabels:\n"
        "    good: x\n"
        '    "bad label!": y\n'
        "  registries:\n"
        "    mirrors:\n"
        "      docker.io: null\n"
    ),
    cluster_extra='  network:\n    dnsDomain: "bad domain"\n',
)

ENDPOINT_ERROR = "invalid controlplane endpoint: hostname must not be blank"
CIDR_ERROR = '[networking.os.device.CIDR] "eth1": invalid CIDR address: 10.0.0.300/24'
CIDR_WARNING = (
    '"eth1": machine.network.interface.cidr is deprecated, please use machine.network.interface.addresses'
)
ROUTE_ERROR = '[networking.os.device.route[1].network] "bogus": invalid network address'
LABELS_ERROR = "invalid machine node labels: " + multierror_text(['name "bad label!" is invalid'])


def _failure(text: str, mode: str = "metal", strict: bool = False) -> ValidationError:
    container = load(text, "bad.yaml")
    with pytest.raises(ValidationError) as info:
        container.validate(mode, strict)
    return info.value


# ---------------------------------------------------------------- Located itself


def test_located_is_its_message() -> None:
    message = located("bond mode must be specified", "bondMode")
    assert isinstance(message, str)
    assert message == "bond mode must be specified"
    assert hash(message) == hash("bond mode must be specified")
    assert f"x: {message}" == "x: bond mode must be specified"
    assert [message] == ["bond mode must be specified"]
    assert message.path == "bondMode"
    assert path_of(message) == "bondMode"
    assert path_of("plain") == ""


def test_located_survives_copy_and_pickle() -> None:
    message = Located("text", "a.b[0]")
    for clone in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert clone == "text"
        assert path_of(clone) == "a.b[0]"


def test_path_helpers() -> None:
    assert join_path("machine.network.interfaces", 0, "cidr") == "machine.network.interfaces[0].cidr"
    assert join_path("", "name") == "name"
    assert path_of(reword(located("x", "p"), "warning: x")) == "p"
    assert type(reword("x", "warning: x")) is str
    assert [path_of(m) for m in at("name", ["a", located("b", "other")])] == ["name", "other"]
    rebased = rebase("provisioning", [located("m", "minSize"), "n", located("o", "[1]")])
    assert [path_of(m) for m in rebased] == ["provisioning.minSize", "provisioning", "provisioning[1]"]
    subjects = by_subject(["name must be specified", "other"], {"name": "name"})
    assert [path_of(m) for m in subjects] == ["name", ""]


def test_report_wraps_only_with_a_path() -> None:
    report = Report()
    report.error("a", "machine.type")
    report.error("b")
    report.error(None, "ignored")
    report.warn("c", "persist")
    assert report.errors == ["a", "b"]
    assert [path_of(e) for e in report.errors] == ["machine.type", ""]
    assert path_of(report.warnings[0]) == "persist"


# ---------------------------------------------------------------- path → line


def test_resolve_line_walks_keys_indexes_and_dotted_keys() -> None:
    node = parse_document(BAD.split("---")[0].encode())
    assert resolve_line(node, "cluster.controlPlane.endpoint") + 1 == 27
    assert resolve_line(node, "machine.network.interfaces[1]") + 1 == 14
    assert resolve_line(node, "machine.network.interfaces[1].routes[1].network") + 1 == 18
    assert resolve_line(node, "machine.registries.mirrors.docker.io") + 1 == 24
    assert resolve_line(node, "machine.nodeLabels.bad label!") + 1 == 21
    # missing fields: the nearest existing ancestor
    assert resolve_line(node, "machine.install.disk") + 1 == 7
    assert resolve_line(node, "machine.network.interfaces[5].cidr") + 1 == 10
    assert resolve_line(node, "nope") + 1 == 1
    assert resolve_line(None, "machine") == -1


# ---------------------------------------------------------------- v1alpha1 rule paths


def test_v1alpha1_rules_give_paths() -> None:
    config = build(
        worker(
            network={"interfaces": [{"interface": "eth0", "vip": {"ip": "1.2.3.4"}}]}, nodeTaints={"a": "b:X"}
        ),
        {"controlPlane": {"endpoint": "https://:6443"}, "network": {"dnsDomain": "bad domain"}},
    )
    warnings, errors = config.validate("cloud")
    paths = {str(e): path_of(e) for e in errors}
    assert paths[ENDPOINT_ERROR] == "cluster.controlPlane.endpoint"
    assert paths['"bad domain" is not a valid DNS name'] == "cluster.network.dnsDomain"
    assert paths["virtual (shared) IP is not allowed on non-controlplane nodes"] == (
        "machine.network.interfaces[0].vip"
    )
    assert all(path_of(e) for e in errors), errors
    assert warnings == []


def test_strict_warnings_keep_their_paths() -> None:
    config = build(controlplane(network={"interfaces": [{"interface": "eth1", "cidr": "10.0.0.1/24"}]}))
    warnings, _ = config.validate("cloud")
    assert warnings == [CIDR_WARNING]
    assert path_of(warnings[0]) == "machine.network.interfaces[0].cidr"
    _, strict_errors = config.validate("cloud", strict=True)
    assert strict_errors == [f"warning: {CIDR_WARNING}"]
    assert path_of(strict_errors[0]) == "machine.network.interfaces[0].cidr"


# ---------------------------------------------------------------- container: lines


def test_container_validate_keeps_talos_texts_and_adds_locations() -> None:
    failure = _failure(BAD)
    nested = "v1alpha1.Config: " + multierror_text(
        [
            ENDPOINT_ERROR,
            '"bad domain" is not a valid DNS name',
            "either install disk or diskSelector should be defined",
            CIDR_ERROR,
            ROUTE_ERROR,
            LABELS_ERROR,
            'registries.mirrors["docker.io"] is null',
        ]
    )
    assert failure.errors == [nested, "LinkConfig/eth2: address 1 must be a valid IP address"]
    assert failure.locations == [
        ("cluster.controlPlane.endpoint", 27, ENDPOINT_ERROR),
        ("cluster.network.dnsDomain", 29, '"bad domain" is not a valid DNS name'),
        ("machine.install.disk", 7, "either install disk or diskSelector should be defined"),  # missing field
        ("machine.network.interfaces[1].cidr", 15, CIDR_ERROR),
        ("machine.network.interfaces[1].routes[1].network", 18, ROUTE_ERROR),
        ("machine.nodeLabels.bad label!", 21, LABELS_ERROR),
        ("machine.registries.mirrors.docker.io", 24, 'registries.mirrors["docker.io"] is null'),
        ("addresses[1].address", 37, "address 1 must be a valid IP address"),
    ]


def test_render_located_lines() -> None:
    lines = _failure(BAD).render_located().splitlines()
    assert lines[0] == f"bad.yaml:27: cluster.controlPlane.endpoint: {ENDPOINT_ERROR}"
    assert lines[3] == f"bad.yaml:15: machine.network.interfaces[1].cidr: {CIDR_ERROR}"
    # a nested multierror is folded onto the line
    folded = 'invalid machine node labels: 1 error occurred: * name "bad label!" is invalid'
    assert lines[5] == f"bad.yaml:21: machine.nodeLabels.bad label!: {folded}"
    assert lines[-1] == "bad.yaml:37: addresses[1].address: address 1 must be a valid IP address"
    assert format_location("", -1, "", "m") == "m"
    assert format_location("", 3, "p", "m") == "line 3: p: m"


def test_warnings_are_located_in_the_report() -> None:
    container = load(BAD, "bad.yaml")
    report = validate_documents_report(container.config_documents, "metal")
    warnings = [loc for loc in report.locations if loc.warning]
    assert warnings == [Location(0, "machine.network.interfaces[1].cidr", CIDR_WARNING, True)]
    assert container.locate(warnings) == [("machine.network.interfaces[1].cidr", 15, CIDR_WARNING)]


def test_strict_container_errors_are_located() -> None:
    text = BAD.replace("10.0.0.300/24", "10.0.0.3/24")
    failure = _failure(text, strict=True)
    assert ("machine.network.interfaces[1].cidr", 15, f"warning: {CIDR_WARNING}") in failure.locations


def test_validate_documents_is_unchanged_text() -> None:
    container = load(BAD, "bad.yaml")
    warnings, errors = validate_documents(container.config_documents, "metal")
    assert warnings == [CIDR_WARNING]
    assert errors == _failure(BAD).errors


def test_cross_document_errors_point_into_v1alpha1() -> None:
    text = BAD.replace("  secretboxEncryptionSecret: c2VjcmV0\n", "")
    failure = _failure(text)
    assert failure.errors[-1] == "etcd encryption config is required for control plane machines"
    # the missing field resolves to its parent section, ``cluster``
    assert failure.locations[-1] == (
        "cluster.secretboxEncryptionSecret",
        25,
        "etcd encryption config is required for control plane machines",
    )


# ---------------------------------------------------------------- node bookkeeping


def test_nodes_follow_documents_clone_and_append() -> None:
    container = load(BAD, "bad.yaml")
    assert [n.line + 1 if n is not None else None for n in container.nodes] == [1, 32]
    legacy = container.v1alpha1()
    assert container.line_of(legacy, "cluster.controlPlane.endpoint") == 27
    clone = container.clone()
    assert clone.line_of(clone.v1alpha1(), "cluster.controlPlane.endpoint") == 27
    extra = load("apiVersion: v1alpha1\nkind: LinkConfig\nname: eth9\n").config_documents[0]
    clone.append(extra)
    assert clone.nodes[-1] is None
    assert clone.line_of(extra, "name") == -1
    clone.remove(extra)
    assert len(clone.nodes) == 2


def test_documents_built_in_code_have_no_lines() -> None:
    container = Container([build(controlplane(), {"controlPlane": {"endpoint": "https://:6443"}})])
    with pytest.raises(ValidationError) as info:
        container.validate("cloud")
    assert ("cluster.controlPlane.endpoint", -1, ENDPOINT_ERROR) in info.value.locations
    assert f"cluster.controlPlane.endpoint: {ENDPOINT_ERROR}" in info.value.render_located().splitlines()


# ---------------------------------------------------------------- other documents


@pytest.mark.parametrize(
    ("document", "path", "line"),
    [
        # a missing top-level field resolves to the document's first line
        ("apiVersion: v1alpha1\nkind: BondConfig\nname: bond0\nlinks: [eth0]\n", "bondMode", 1),
        ("apiVersion: v1alpha1\nkind: VLANConfig\nname: v\nvlanID: 5000\nparent: eth0\n", "vlanID", 4),
        ("apiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 1.2.3.4\n", "link", 1),
        ("apiVersion: v1alpha1\nkind: LinkConfig\nname: ''\n", "name", 3),
        (
            "apiVersion: v1alpha1\nkind: UserVolumeConfig\nname: data\nprovisioning:\n  minSize: 1GiB\n",
            "provisioning.diskSelector.match",
            4,
        ),
        (
            "apiVersion: v1alpha1\nkind: UserVolumeConfig\nname: data\nprovisioning:\n"
            "  diskSelector:\n    match: 'true'\n  minSize: 2GiB\n  maxSize: 1GiB\n",
            "provisioning.minSize",
            7,
        ),
    ],
)
def test_other_documents_locate_their_errors(document: str, path: str, line: int) -> None:
    """``line`` is within ``document``; the file starts with a two-line v1alpha1 document."""
    container = load("version: v1alpha1\n---\n" + document, "doc.yaml")
    report = validate_documents_report(container.config_documents, "cloud")
    found = [(p, ln) for p, ln, _ in container.locate(loc for loc in report.locations if loc.document == 1)]
    assert (path, line + 2) in found, found
