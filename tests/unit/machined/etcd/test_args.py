"""Golden tests of etcd's command line: tests/testdata/etcd/<case>/{input.yaml, expected.args|error}.

Adding a case is adding a folder. ``PYTALOS_UPDATE_GOLDEN=1`` rewrites the expected files from the
current output (review the diff before committing).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytalos.machined.etcd.args import (
    ClusterState,
    EtcdArgsError,
    EtcdDialect,
    InitialMember,
    initial_cluster_from_members,
    render_args,
)
from pytalos.machined.etcd.layout import EtcdLayout
from pytalos.machined.etcd.spec import EtcdSpecError, build_spec
from pytalos.machinery.config.schema import decode_struct
from pytalos.machinery.config.types.v1alpha1.components import EtcdConfig
from pytalos.machinery.yamlx import parse_documents
from pytalos.machinery.yamlx.nodes import Mapping

CASES = Path(__file__).resolve().parents[4] / "tests" / "testdata" / "etcd"
UPDATE = os.environ.get("PYTALOS_UPDATE_GOLDEN") == "1"


def _etcd_config(path: Path) -> EtcdConfig:
    """The ``etcd`` mapping of input.yaml through the real config decoder (unknown keys fail)."""
    (doc,) = parse_documents(path.read_bytes(), str(path))
    assert isinstance(doc, Mapping)
    for key, node in doc.items:
        if key.value == "etcd":
            assert isinstance(node, Mapping), f"{path}: etcd must be a mapping"
            return decode_struct(EtcdConfig, node, "cluster.etcd")
    return EtcdConfig()


def render_case(case: Path) -> list[str]:
    data: dict[str, Any] = yaml.safe_load((case / "input.yaml").read_text())
    spec = build_spec(
        _etcd_config(case / "input.yaml"),
        data["hostname"],
        [ipaddress.ip_address(a) for a in data["addresses"]],
    )
    members = [InitialMember(m["name"], m["peerURL"]) for m in data.get("initialCluster", [])]
    return render_args(
        spec,
        EtcdLayout(Path(data.get("root", "/"))),
        ClusterState(data["state"]),
        initial_cluster=members,
        dialect=EtcdDialect.parse(str(data["dialect"])),
        client_port=data.get("clientPort", 2379),
        peer_port=data.get("peerPort", 2380),
    )


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case: str) -> None:
    folder = CASES / case
    args_file, error_file = folder / "expected.args", folder / "expected.error"
    try:
        got = render_case(folder)
    except (EtcdArgsError, EtcdSpecError) as exc:
        if UPDATE and not args_file.exists():
            error_file.write_text(f"{exc}\n")
        assert error_file.exists(), f"{case}: unexpected error {exc}"
        assert str(exc) == error_file.read_text().strip()
        return
    if UPDATE and not error_file.exists():
        args_file.write_text("\n".join(got) + "\n")
    assert not error_file.exists(), f"{case}: expected an error, got arguments"
    assert got == args_file.read_text().splitlines()


def test_every_case_has_an_expectation() -> None:
    for folder in CASES.iterdir():
        assert (folder / "expected.args").exists() != (folder / "expected.error").exists(), folder


def test_join_without_initial_cluster_is_an_error() -> None:
    spec = build_spec(EtcdConfig(), "cp-1", [ipaddress.ip_address("10.0.0.1")])
    with pytest.raises(EtcdArgsError, match="initial cluster"):
        render_args(spec, EtcdLayout(), ClusterState.JOIN)


def test_initial_cluster_from_members_names_the_new_member() -> None:
    members = [("cp-1", ["https://10.0.0.1:2380"], 1), ("", ["https://10.0.0.2:2380"], 7)]
    assert initial_cluster_from_members(members, 7, "cp-2") == [
        InitialMember("cp-1", "https://10.0.0.1:2380"),
        InitialMember("cp-2", "https://10.0.0.2:2380"),
    ]


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("etcd Version: 3.4.23\nGit SHA: Not provided", EtcdDialect.V3_4),
        ("v3.5.16", EtcdDialect.V3_5),
        ("3.6.0", EtcdDialect.V3_6),
        ("3.7.1", EtcdDialect.V3_6),
    ],
)
def test_dialect_parse(text: str, dialect: EtcdDialect) -> None:
    assert EtcdDialect.parse(text) is dialect


@pytest.mark.parametrize("text", ["3.3.9", "no version here"])
def test_dialect_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        EtcdDialect.parse(text)
