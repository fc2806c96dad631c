"""``--with-examples``: foot comments in the emitter, example placement, and that comments change nothing."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pytalos.cli.main import cli
from pytalos.machinery.config import examples as examples_mod
from pytalos.machinery.config.contract import VersionContract
from pytalos.machinery.config.examples import example_node, field_examples, render_examples
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.config.generate.bundle import ConfigBundle
from pytalos.machinery.config.loader import load
from pytalos.machinery.config.schema import Struct, decode_value, encode_struct, yfield
from pytalos.machinery.secrets.bundle import SecretsBundle
from pytalos.machinery.yamlx import Mapping, Scalar, Sequence, emit, parse_document
from tests._shared import config_testdata

pytestmark = pytest.mark.unit

CONTRACTS = [f"v1.{minor}" for minor in range(3, 16)]
V1ALPHA1_MODULES = ("cluster", "components", "install", "machine", "network", "registries")


class Bond(Struct):
    members: list[str] = yfield("interfaces", omitempty=True, doc="Members.")
    mode: str = yfield("mode", omitempty=True, doc="Mode.")


class Link(Struct):
    name: str = yfield("interface", doc="Name.")
    bond: Bond | None = yfield(
        "bond",
        omitempty=True,
        doc="Bond options.",
        examples=[("Two links.", Bond(["eth0", "eth1"], "802.3ad"))],
    )


class Net(Struct):
    hostname: str = yfield("hostname", omitempty=True, doc="Host name.", examples=[("", "node-1")])
    sans: list[str] = yfield("certSANs", doc="SANs.", examples=[("Add names.", ["10.0.0.1", "0"])])
    links: list[Link] = yfield(
        "interfaces", omitempty=True, doc="Links.", examples=lambda: [("A link.", [Link("eth0")])]
    )
    servers: list[str] = yfield(
        "nameservers", omitempty=True, doc="DNS.", examples=[("One.", ["1.1.1.1"]), ("Two.", ["8.8.8.8"])]
    )


class Top(Struct):
    version: str = yfield("version")
    net: Net | None = yfield("network", omitempty=True, doc="Network.")


# ---------------------------------------------------------------- emitter foot comments


def test_key_foot_comment_follows_the_value_with_go_yaml_blank_lines() -> None:
    key = Scalar("a")
    key.foot_comment = "\n# # about b\nb: 1\n"
    inner = Mapping([(Scalar("x"), Scalar("1", "!!int"))])
    node = Mapping([(Scalar("top"), Mapping([(key, inner)])), (Scalar("next"), Scalar("2", "!!int"))])
    assert emit(node) == "top:\n    a:\n        x: 1\n    \n    # # about b\n    # b: 1\nnext: 2\n"


def test_blank_line_after_a_foot_comment_at_the_same_indentation() -> None:
    value = Sequence(flow=True)
    value.foot_comment = "  - x\n"
    after = Scalar("b")
    after.head_comment = "About b."
    node = Mapping([(Scalar("a"), value), (after, Scalar("1", "!!int"))])
    assert emit(node) == "a: []\n#   - x\n\n# About b.\nb: 1\n"


def test_foot_comment_of_an_empty_mapping_and_a_sequence_item() -> None:
    empty = Mapping()
    empty.foot_comment = "\n# k: v\n\n# w: 1\n"
    item = Scalar("x")
    item.foot_comment = "# note"
    node = Mapping([(Scalar("a"), empty), (Scalar("l"), Sequence([item]))])
    assert emit(node) == "a: {}\n\n# k: v\n\n# w: 1\n\nl:\n    - x\n    # note\n"


def test_line_comment_of_a_literal_block_goes_on_its_header() -> None:
    value = Scalar("line 1\nline 2\n")
    value.line_comment = "Text."
    text = emit(Mapping([(Scalar("a"), value)]))
    assert text == "a: | # Text.\n    line 1\n    line 2\n"
    assert parse_document(text) is not None
    reloaded = parse_document(text)
    assert isinstance(reloaded, Mapping)
    assert isinstance(reloaded.get("a"), Scalar)
    assert reloaded.get("a").value == "line 1\nline 2\n"  # type: ignore[union-attr]


# ---------------------------------------------------------------- placement


def test_examples_of_omitted_fields_hang_below_the_last_key() -> None:
    text = emit(encode_struct(Top("v1", Net(hostname="a")), True, True))
    assert text.startswith(
        "version: v1\n# Network.\nnetwork:\n    hostname: a # Host name.\n    certSANs: [] # SANs.\n"
        '    #   # Add names.\n    #   - 10.0.0.1\n    #   - "0"\n    \n    # # Links.\n\n    # # A link.\n'
        "    # interfaces:\n    #     - interface: eth0 # Name.\n"
    )
    # a nested example (bond) inside the example, both examples of nameservers, no doc repeated
    assert "    #       # # Bond options.\n\n    #       # # Two links.\n    #       # bond:\n" in text
    assert text.endswith(
        "    # # DNS.\n\n    # # One.\n    # nameservers:\n    #     - 1.1.1.1\n"
        "    # # Two.\n    # nameservers:\n    #     - 8.8.8.8\n"
    )
    assert "hostname: node-1" not in text  # set fields show no example


def test_examples_of_an_empty_struct_follow_its_mapping() -> None:
    text = emit(encode_struct(Top("v1", Net(sans=["x"])), False, True))
    assert text.startswith(
        "version: v1\nnetwork:\n    certSANs:\n        - x\n    \n    # hostname: node-1\n\n"
    )
    empty = emit(encode_struct(Link("eth0"), False, True))
    assert empty == "interface: eth0\n\n# # Two links.\n# bond:\n#     interfaces:\n#         - eth0\n" + (
        "#         - eth1\n#     mode: 802.3ad\n"
    )


def test_without_examples_nothing_changes() -> None:
    top = Top("v1", Net(hostname="a"))
    assert emit(encode_struct(top, True, False)) == emit(encode_struct(top, True))
    assert "#" not in emit(encode_struct(top))


def test_nested_examples_stop_at_the_depth_limit() -> None:
    fi = next(f for f in Link.fields_info() if f.key == "bond")
    token = examples_mod._depth.set(examples_mod._MAX_DEPTH)
    try:
        assert render_examples(fi, "bond", True) == ""
    finally:
        examples_mod._depth.reset(token)
    assert "\nbond:\n" in render_examples(fi, "bond", True)


def test_lazy_examples_are_built_once() -> None:
    calls: list[int] = []

    def build() -> list[tuple[str, Any]]:
        calls.append(1)
        return [("", "x")]

    class Lazy(Struct):
        value: str = yfield("value", omitempty=True, examples=build)

    fi = Lazy.fields_info()[0]
    assert field_examples(fi) == (("", "x"),)
    assert field_examples(fi) == (("", "x"),)
    assert calls == [1]


def test_empty_examples_are_skipped() -> None:
    class Sparse(Struct):
        value: list[str] = yfield("values", omitempty=True, examples=[("nothing", []), ("one", ["a"])])

    assert render_examples(Sparse.fields_info()[0], "values", False) == "# # one\nvalues:\n    - a\n"


# ---------------------------------------------------------------- the real config model


def _fields_with_examples() -> list[tuple[str, Any]]:
    out = []
    for name in V1ALPHA1_MODULES:
        module = importlib.import_module(f"pytalos.machinery.config.types.v1alpha1.{name}")
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Struct) and cls.__module__ == module.__name__:
                out += [(f"{cls_name}.{fi.key}", fi) for fi in cls.fields_info() if fi.examples]
    return out


EXAMPLE_FIELDS = _fields_with_examples()


def test_the_most_used_fields_have_examples() -> None:
    names = {name for name, _ in EXAMPLE_FIELDS}
    wanted_keys = {
        "KubeletConfig": ["image", "clusterDNS", "extraArgs", "extraMounts", "nodeIP"],
        "NetworkConfig": ["hostname", "interfaces", "nameservers", "extraHostEntries"],
        "Device": ["addresses", "routes", "vlans", "bond"],
        "InstallConfig": ["disk", "diskSelector", "extraKernelArgs", "image"],
        "MachineConfig": [
            "files",
            "env",
            "time",
            "sysctls",
            "registries",
            "certSANs",
            "nodeLabels",
            "nodeTaints",
        ],
        "RegistriesConfig": ["mirrors", "config"],
        "ClusterNetworkConfig": ["cni", "podSubnets", "serviceSubnets"],
        "APIServerConfig": ["certSANs", "extraArgs", "admissionControl"],
        "ClusterConfig": ["proxy", "inlineManifests", "extraManifests"],
        "EtcdConfig": ["advertisedSubnets"],
    }
    wanted = {f"{cls}.{key}" for cls, keys in wanted_keys.items() for key in keys}
    assert wanted <= names


@pytest.mark.parametrize(("name", "fi"), EXAMPLE_FIELDS, ids=[name for name, _ in EXAMPLE_FIELDS])
def test_every_example_is_a_valid_value_of_its_field(name: str, fi: Any) -> None:
    """Uncommented, an example must decode as the field it illustrates (and describe itself)."""
    pairs = field_examples(fi)
    assert pairs, name
    for description, value in pairs:
        assert description or fi.doc, name
        text = emit(Mapping([(Scalar(fi.key), example_node(fi, value, False))]))
        node = parse_document(text)
        assert isinstance(node, Mapping)
        value_node = node.get(fi.key)
        assert value_node is not None
        decode_value(fi, value_node, name)


@pytest.fixture(scope="module")
def secrets() -> SecretsBundle:
    path = config_testdata("types", "v1alpha1", "testdata", "stability", "secrets.yaml")
    return SecretsBundle.from_yaml(path.read_bytes(), str(path))


def _input(secrets: SecretsBundle, version: str) -> Input:
    contract = VersionContract.parse(version)
    return Input("demo", "https://10.0.0.1:6443", "1.30.1", secrets_bundle=secrets, version_contract=contract)


@pytest.mark.parametrize("machine_type", ["controlplane", "worker"])
@pytest.mark.parametrize("version", CONTRACTS)
def test_comments_never_change_the_config(secrets: SecretsBundle, version: str, machine_type: str) -> None:
    config = generate(_input(secrets, version), machine_type)
    plain = config.encode()
    commented = config.encode(with_docs=True, with_examples=True)
    assert commented != plain
    reloaded = load(commented, f"{version}-{machine_type}.yaml")
    assert reloaded.encode() == plain
    assert load(config.encode(with_examples=True)).encode() == plain


def test_generated_configs_show_examples_where_fields_are_empty(secrets: SecretsBundle) -> None:
    text = generate(_input(secrets, "v1.3"), "worker").encode(with_docs=True, with_examples=True)
    assert "    network: {} # Network settings.\n    \n    # # Static hostname.\n" in text
    assert "    # hostname: worker-1\n" in text
    assert "        # # Extra kubelet flags.\n" in text
    assert "    #   - node1.example.org\n" in text  # below certSANs: []
    current = generate(_input(secrets, "v1.15"), "worker").encode(with_docs=False, with_examples=True)
    assert "    # network:\n    #     hostname: worker-1\n" in current  # network itself is omitted


@pytest.mark.parametrize("with_examples", [True, False])
def test_bundle_serialize_honours_with_examples(secrets: SecretsBundle, with_examples: bool) -> None:
    bundle = ConfigBundle.generate(_input(secrets, "v1.10"))
    data = bundle.serialize("worker", False, with_examples).decode()
    assert ("# # " in data) is with_examples
    assert load(data).encode() == bundle.serialize("worker").decode()


def _gen_worker(tmp_path: Path, *flags: str) -> str:
    secrets_file = config_testdata("types", "v1alpha1", "testdata", "stability", "secrets.yaml")
    args = ["gen", "config", "demo", "https://10.0.0.1:6443", "--with-secrets", str(secrets_file)]
    args += ["--talos-version", "v1.10", *flags, "-t", "worker", "-o", "-"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("with_examples", [True, False])
def test_gen_config_with_examples_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_examples: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    text = _gen_worker(tmp_path, f"--with-examples={str(with_examples).lower()}")
    assert ("    # # Static hostname.\n" in text) is with_examples
    assert "# Machine settings." in text  # --with-docs stays on
    plain = _gen_worker(tmp_path, "--with-docs=false", "--with-examples=false")
    assert "#" not in plain
    assert load(text).encode() == plain
    assert "# # Static hostname." in _gen_worker(tmp_path)  # on by default
