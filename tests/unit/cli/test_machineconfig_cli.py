"""``talosctl machineconfig patch|diff`` end to end through click's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pytalos.cli.commands.machineconfig import cli
from pytalos.cli.main import cli as root
from tests._shared import config_testdata

LINK = "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n  - address: 192.168.7.2/24\n"


@pytest.fixture
def link_file(tmp_path: Path) -> Path:
    path = tmp_path / "base.yaml"
    path.write_text(LINK)
    return path


def test_patch_inline_file_and_json(link_file: Path, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\nmtu: 9000\n")
    result = CliRunner().invoke(
        cli,
        [
            "patch",
            str(link_file),
            "-p",
            "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n  - address: 10.0.0.1/8\n",
            "--patch",
            f"@{tmp_path / 'p.yaml'}",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\nmtu: 9000\naddresses:\n"
        "    - address: 192.168.7.2/24\n    - address: 10.0.0.1/8\n\n"
    )


def test_patch_without_patches_prints_input(link_file: Path) -> None:
    result = CliRunner().invoke(cli, ["patch", str(link_file)])
    assert result.exit_code == 0
    assert result.output == LINK + "\n"


def test_patch_output_file(link_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.yaml"
    result = CliRunner().invoke(
        cli,
        [
            "patch",
            str(link_file),
            "-p",
            "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\nmtu: 1400\n",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "mtu: 1400\n" in out.read_text()
    assert result.output == ""


def test_patch_errors_name_file_and_location(link_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\nbogus: 1\n")
    result = CliRunner().invoke(cli, ["patch", str(link_file), "-p", f"@{bad}"])
    assert result.exit_code == 1
    assert result.output.startswith(
        f"error: {bad}:4: bogus: error decoding document v1alpha1/LinkConfig/eth1: unknown keys"
    )


def test_patch_missing_files(link_file: Path) -> None:
    result = CliRunner().invoke(cli, ["patch", "/nonexistent/config.yaml"])
    assert result.exit_code == 1 and "error: open /nonexistent/config.yaml" in result.output
    result = CliRunner().invoke(cli, ["patch", str(link_file), "-p", "@/nonexistent/p.yaml"])
    assert result.exit_code == 1 and "error: open /nonexistent/p.yaml" in result.output


def test_patch_fixture_through_root_alias() -> None:
    base = config_testdata("configpatcher", "testdata", "apply")
    args = ["mc", "patch", str(base / "config.yaml")]
    for name in ("strategic1", "jsonpatch1", "jsonpatch2", "strategic2", "strategic3"):
        args += ["-p", f"@{base / name}.yaml"]
    result = CliRunner().invoke(root, args)
    assert result.exit_code == 0, result.output
    assert result.output == (base / "expected.yaml").read_text() + "\n"


def test_diff_prints_patch_that_applies(link_file: Path, tmp_path: Path) -> None:
    modified = tmp_path / "modified.yaml"
    modified.write_text(LINK.replace("192.168.7.2/24", "192.168.7.9/24"))
    result = CliRunner().invoke(cli, ["diff", str(link_file), str(modified)])
    assert result.exit_code == 0, result.output
    patch = tmp_path / "patch.yaml"
    patch.write_text(result.output)
    applied = CliRunner().invoke(cli, ["patch", str(link_file), "-p", f"@{patch}"])
    assert applied.exit_code == 0
    assert (
        applied.output
        == "apiVersion: v1alpha1\nkind: LinkConfig\nname: eth1\naddresses:\n    - address: 192.168.7.9/24\n\n"
    )
    same = CliRunner().invoke(cli, ["diff", str(link_file), str(link_file)])
    assert same.exit_code == 0 and same.output == ""
