"""``talosctl validate`` must print and exit like Talos's (warnings on stderr, errors, success line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pytalos.cli.commands import validate as cmd
from pytalos.machinery.config.validation import multierror_text
from tests._shared import config_testdata
from tests.unit.machinery.config.validation._build import bad_config_yaml

pytestmark = pytest.mark.unit

WORKER = """\
version: v1alpha1
machine:
  type: worker
  ca:
    crt: Zm9v
cluster:
  controlPlane:
    endpoint: https://localhost:6443
"""
CIDR_WARNING = (
    '"eth0": machine.network.interface.cidr is deprecated, please use machine.network.interface.addresses'
)


def run(*args: str) -> Result:
    return CliRunner().invoke(cmd.cli, list(args))


def write(tmp_path: Path, text: str, name: str = "worker.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_valid_config(tmp_path: Path) -> None:
    path = write(tmp_path, WORKER)
    result = run("-c", path, "-m", "cloud")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{path} is valid for cloud mode\n"
    assert result.stderr == ""


def test_stability_config_with_disk_is_valid_for_metal(tmp_path: Path) -> None:
    source = config_testdata("types", "v1alpha1", "testdata", "stability", "v1.15", "base-controlplane.yaml")
    result = run("--config", str(source), "--mode", "metal")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("base-controlplane.yaml is valid for metal mode\n")


def test_invalid_config_lists_errors_with_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, WORKER.replace("type: worker", "type: worker\n  install:\n    wipe: false"))
    result = run("-c", path, "-m", "metal")
    assert result.exit_code == 1
    nested = "v1alpha1.Config: " + multierror_text(["either install disk or diskSelector should be defined"])
    locations = (
        f"locations:\n{path}:4: machine.install.disk: either install disk or diskSelector should be defined\n"
    )
    assert result.stderr == f"error: {path}: {multierror_text([nested])}\n{locations}"
    assert result.stdout == ""
    assert run("-c", path, "-m", "container").exit_code == 1  # container mode needs host DNS
    assert run("-c", path, "-m", "cloud").exit_code == 0


def test_decode_error_names_line_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, WORKER.replace("  type: worker", "  type: worker\n  bogus: 1"))
    result = run("-c", path, "-m", "cloud")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}:4: machine.bogus: ")
    assert "bogus" in result.stderr


def test_warnings_printed_and_strict_makes_them_errors(tmp_path: Path) -> None:
    text = WORKER.replace(
        "type: worker",
        "type: worker\n  network:\n    interfaces:\n      - interface: eth0\n        cidr: 10.0.0.1/24",
    )
    path = write(tmp_path, text)
    result = run("-c", path, "-m", "cloud")
    assert result.exit_code == 0
    where = f"{path}:7: machine.network.interfaces[0].cidr"
    assert result.stderr == f"WARNING: {CIDR_WARNING}\nlocations:\n{where}: warning: {CIDR_WARNING}\n"
    assert result.stdout == f"{path} is valid for cloud mode\n"
    strict = run("-c", path, "-m", "cloud", "--strict")
    assert strict.exit_code == 1
    nested = "v1alpha1.Config: " + multierror_text([f"warning: {CIDR_WARNING}"])
    locations = f"locations:\n{where}: warning: {CIDR_WARNING}\n"
    assert strict.stderr == f"error: {path}: {multierror_text([nested])}\n{locations}"


def test_unknown_and_missing_mode(tmp_path: Path) -> None:
    path = write(tmp_path, WORKER)
    result = run("-c", path, "-m", "baremetal")
    assert result.exit_code == 1
    assert result.stderr == 'error: unknown runtime mode: "baremetal"\n'
    missing = run("-c", path)
    assert missing.exit_code == 1
    assert missing.stderr == 'error: required flag(s) "mode" not set\n'


def test_missing_file(tmp_path: Path) -> None:
    result = run("-c", str(tmp_path / "nope.yaml"), "-m", "metal")
    assert result.exit_code == 1
    assert result.stderr == f"error: open {tmp_path / 'nope.yaml'}: no such file or directory\n"


def test_registered_in_talosctl() -> None:
    from pytalos.cli.main import cli

    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    assert "--strict" in result.stdout


BAD = bad_config_yaml(eth1="        addresses:\n          - 10.0.0.300/24\n", link_addresses=["0.0.0.0/24"])


def test_locations_section_lists_every_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, BAD, "bad.yaml")
    result = run("-c", path, "-m", "metal")
    assert result.exit_code == 1
    assert result.stdout == ""
    talos_text, _, section = result.stderr.partition("\nlocations:\n")
    nested = "v1alpha1.Config: " + multierror_text(
        [
            "invalid controlplane endpoint: hostname must not be blank",
            "either install disk or diskSelector should be defined",
            '[networking.os.device.addresses] "eth1": invalid CIDR address: 10.0.0.300/24',
        ]
    )
    expected = multierror_text([nested, "LinkConfig/eth2: address 0 must be a valid IP address"])
    assert talos_text == f"error: {path}: {expected}"  # Talos's text, exactly as before
    assert section.splitlines() == [
        f"{path}:19: cluster.controlPlane.endpoint: "
        "invalid controlplane endpoint: hostname must not be blank",
        f"{path}:7: machine.install.disk: either install disk or diskSelector should be defined",
        f"{path}:16: machine.network.interfaces[1].addresses[0]: "
        '[networking.os.device.addresses] "eth1": invalid CIDR address: 10.0.0.300/24',
        f"{path}:26: addresses[0].address: address 0 must be a valid IP address",
    ]


def test_no_locations_section_without_located_messages(tmp_path: Path) -> None:
    path = write(tmp_path, WORKER)
    result = run("-c", path, "-m", "cloud")
    assert "locations:" not in result.stderr
    assert result.stdout == f"{path} is valid for cloud mode\n"
