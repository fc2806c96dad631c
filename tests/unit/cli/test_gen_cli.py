"""``talosctl gen config``: outputs, destinations, overwrite refusal, flags and Talos's error texts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pytalos.cli.main import cli
from pytalos.machinery.client.config import Config as TalosConfig
from pytalos.machinery.config.loader import load
from tests._shared import config_testdata

pytestmark = pytest.mark.unit

ENDPOINT = "https://192.168.0.1:6443"


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def secrets_file() -> Path:
    return config_testdata("types", "v1alpha1", "testdata", "stability", "secrets.yaml")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["gen", *args])


def gen_config(*args: str) -> Result:
    return run("config", *args)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_outputs(cwd: Path, secrets_file: Path) -> None:
    result = gen_config("demo", ENDPOINT, "--with-secrets", str(secrets_file))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    for name in ("controlplane.yaml", "worker.yaml", "talosconfig"):
        path = cwd / name
        assert mode(path) == 0o644
        assert f"Created {path}\n" in result.stderr
    controlplane = load((cwd / "controlplane.yaml").read_bytes(), "controlplane.yaml")
    assert controlplane.v1alpha1().machine_config.machine_type == "controlplane"
    assert "# " in (cwd / "worker.yaml").read_text()  # --with-docs is on by default
    talosconfig = TalosConfig.from_yaml((cwd / "talosconfig").read_text())
    assert talosconfig.context == "demo"
    assert talosconfig.contexts["demo"].endpoints == []


def test_refuses_to_overwrite(cwd: Path, secrets_file: Path) -> None:
    (cwd / "controlplane.yaml").write_text("keep me")
    result = gen_config("demo", ENDPOINT, "--with-secrets", str(secrets_file))
    assert result.exit_code == 1
    expected = f'error: file "{cwd / "controlplane.yaml"}" already exists, use --force to overwrite'
    assert expected in result.stderr
    assert (cwd / "controlplane.yaml").read_text() == "keep me"

    forced = gen_config("demo", ENDPOINT, "--with-secrets", str(secrets_file), "--force")
    assert forced.exit_code == 0, forced.output
    assert (cwd / "controlplane.yaml").read_text() != "keep me"

    group_forced = run("-f", "config", "demo", ENDPOINT, "--with-secrets", str(secrets_file))
    assert group_forced.exit_code == 0, group_forced.output


def test_single_type_to_stdout(cwd: Path, secrets_file: Path) -> None:
    result = gen_config("demo", ENDPOINT, "--with-secrets", str(secrets_file), "-t", "worker", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("version: v1alpha1")
    assert "type: worker" in result.stdout
    assert list(cwd.iterdir()) == []


def test_single_type_to_file_and_several_to_directory(cwd: Path, secrets_file: Path) -> None:
    one = gen_config("demo", ENDPOINT, "--with-secrets", str(secrets_file), "-t", "talosconfig", "-o", "tc")
    assert one.exit_code == 0, one.output
    assert TalosConfig.from_yaml((cwd / "tc").read_text()).context == "demo"

    several = gen_config(
        "demo", ENDPOINT, "--with-secrets", str(secrets_file), "-t", "controlplane,worker", "-o", "out/dir"
    )
    assert several.exit_code == 0, several.output
    assert sorted(p.name for p in (cwd / "out" / "dir").iterdir()) == ["controlplane.yaml", "worker.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-t", "controlplane,worker", "-o", "-"], "can't use multiple output types with stdout"),
        (["-t", "foo"], '1 error occurred:\n\t* invalid output type: "foo"'),
        (["--version", "v1alpha2"], 'unknown config version: "v1alpha2"'),
        (["--registry-mirror", "docker.io"], 'invalid registry mirror spec: "docker.io"'),
        (["--talos-version", "foo"], 'invalid talos-version: error parsing version "vfoo"'),
        (["--with-secrets", "missing.yaml"], "failed to load secrets bundle: open missing.yaml"),
        (["--config-patch", "nope.yaml"], "error parsing config JSON patch: open nope.yaml"),
    ],
)
def test_flag_errors(cwd: Path, args: list[str], message: str) -> None:
    result = gen_config("demo", ENDPOINT, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert list(cwd.iterdir()) == []


@pytest.mark.parametrize(
    ("endpoint", "suggestion"),
    [
        ("192.168.0.1", "https://192.168.0.1:6443"),
        ("192.168.0.1:6443", "https://192.168.0.1:6443"),
        ("192.168.0.1:2000", "https://192.168.0.1:2000"),
        ("http://192.168.0.1:2000", "https://192.168.0.1:2000"),
    ],
)
def test_endpoint_validation(cwd: Path, endpoint: str, suggestion: str) -> None:
    result = gen_config("foo", endpoint)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f'try: "{suggestion}"' in result.stderr
    assert list(cwd.iterdir()) == []


def test_argument_count(cwd: Path) -> None:
    result = gen_config("only-name")
    assert result.exit_code == 1
    assert "accepts 2 arg(s), received 1" in result.stderr


@pytest.mark.parametrize("version", ["v1.7", "v1.13", "v1.15"])
def test_matches_stability_fixture(cwd: Path, secrets_file: Path, version: str) -> None:
    """With install flags emptied and comments off, the CLI output is Talos's base fixture."""
    result = gen_config(
        "base",
        "https://base:6443",
        "--with-secrets",
        str(secrets_file),
        "--talos-version",
        version,
        "--kubernetes-version",
        "v1.28.0",
        "--install-disk=",
        "--install-image=",
        "--with-docs=false",
        "--with-examples=false",
        "-t",
        "controlplane",
        "-o",
        "-",
    )
    assert result.exit_code == 0, result.output
    fixture = config_testdata("types", "v1alpha1", "testdata", "stability", version, "base-controlplane.yaml")
    assert result.stdout == fixture.read_text()


def test_patches_per_machine_type(cwd: Path, secrets_file: Path) -> None:
    (cwd / "patch.yaml").write_text("apiVersion: v1alpha1\nkind: KubeClusterConfig\nclusterName: patched\n")
    result = gen_config(
        "demo",
        ENDPOINT,
        "--with-secrets",
        str(secrets_file),
        "--without-docs",
        "--config-patch-control-plane",
        "@patch.yaml",
        "--config-patch-worker",
        "machine:\n  certSANs: [worker.example]\n",
        "--config-patch",
        "machine:\n  certSANs: [all.example]\n",
    )
    assert result.exit_code == 0, result.output
    controlplane = (cwd / "controlplane.yaml").read_text()
    worker = (cwd / "worker.yaml").read_text()
    assert "clusterName: patched" in controlplane
    assert "clusterName: demo" in worker
    assert "worker.example" in worker and "worker.example" not in controlplane
    assert "all.example" in worker and "all.example" in controlplane


def test_kubespan_and_registry_mirror(cwd: Path, secrets_file: Path) -> None:
    result = gen_config(
        "demo",
        ENDPOINT,
        "--with-secrets",
        str(secrets_file),
        "--with-kubespan",
        "--registry-mirror",
        "docker.io=https://mirror.example",
        "--additional-sans",
        "a.example,b.example",
        "-t",
        "worker",
        "-o",
        "-",
    )
    assert result.exit_code == 0, result.output
    assert "kind: KubeSpanConfig" in result.stdout
    assert "kind: RegistryMirrorConfig\nname: docker.io" in result.stdout
    assert "- a.example" in result.stdout and "- b.example" in result.stdout


def test_generates_secrets_when_not_given(cwd: Path) -> None:
    result = gen_config("demo", ENDPOINT, "--talos-version", "v1.6", "-t", "controlplane", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "kind: KubeClusterConfig" not in result.stdout
    assert "clusterName: demo" in result.stdout


def test_gen_lists_pki_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in ("config", "ca", "key", "csr", "crt", "keypair", "secrets"):
        assert f"  {name} " in result.output


def test_cli_defaults_match_machinery() -> None:
    from pytalos.cli.commands import gen
    from pytalos.machinery.config.generate import constants

    assert gen._DEFAULT_KUBERNETES_VERSION == constants.DEFAULT_KUBERNETES_VERSION
    assert gen._DEFAULT_INSTALL_IMAGE == constants.DEFAULT_INSTALL_IMAGE
