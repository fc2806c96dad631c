"""``talosctl gen secrets --from-controlplane-config`` / ``--from-kubernetes-pki``: through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pytalos.cli.main import cli
from pytalos.machinery.secrets.bundle import SecretsBundle
from tests.unit.machinery.secrets.test_sources import kubeadm_pki  # noqa: F401 -- fixture

pytestmark = pytest.mark.unit

ENDPOINT = "https://10.5.0.2:6443"


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["gen", *args])


def test_secrets_config_secrets_round_trip(cwd: Path) -> None:
    assert run("secrets", "-o", "secrets.yaml").exit_code == 0
    made = run("config", "c1", ENDPOINT, "--with-secrets", "secrets.yaml")
    assert made.exit_code == 0, made.output
    back = run("secrets", "--from-controlplane-config", "controlplane.yaml", "-o", "back.yaml")
    assert back.exit_code == 0, back.output
    # every field, byte for byte: the file gen config was given is the file we get back
    assert (cwd / "back.yaml").read_text() == (cwd / "secrets.yaml").read_text()
    assert (cwd / "back.yaml").stat().st_mode & 0o777 == 0o600
    SecretsBundle.from_yaml((cwd / "back.yaml").read_bytes()).validate()


def test_from_controlplane_config_errors(cwd: Path) -> None:
    assert run("secrets", "-o", "secrets.yaml").exit_code == 0
    assert run("config", "c1", ENDPOINT, "--with-secrets", "secrets.yaml").exit_code == 0
    worker = run("secrets", "--from-controlplane-config", "worker.yaml", "-o", "-")
    assert worker.exit_code == 1
    lines = worker.stderr.splitlines()
    assert (
        lines[0]
        == "error: failed to create secrets bundle: worker.yaml: cluster.secretboxEncryptionSecret: missing"
    )
    assert "worker.yaml: machine.ca.key: missing (a worker's config carries no CA keys)" in lines
    missing = run("secrets", "--from-controlplane-config", "nope.yaml")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: failed to load controlplane config: open nope.yaml: ")
    assert not (cwd / "nope.yaml").exists() and sorted(p.name for p in cwd.iterdir()) == [
        "controlplane.yaml",
        "secrets.yaml",
        "talosconfig",
        "worker.yaml",
    ]


def test_from_kubernetes_pki(cwd: Path, kubeadm_pki: Path) -> None:  # noqa: F811 -- fixture
    token = "abcdef.0123456789abcdef"
    result = run("secrets", "-p", str(kubeadm_pki), "-t", token, "--talos-version", "v1.2")
    assert result.exit_code == 0, result.output
    bundle = SecretsBundle.from_yaml((cwd / "secrets.yaml").read_bytes())
    bundle.validate()
    assert (
        bundle.secrets and bundle.secrets.bootstrap_token == token and bundle.secrets.aescbc_encryption_secret
    )
    assert bundle.certs and bundle.certs.k8s and bundle.certs.k8s.crt == (kubeadm_pki / "ca.crt").read_bytes()
    # the adopted PKI feeds gen config like any bundle
    made = run("config", "c1", ENDPOINT, "--with-secrets", "secrets.yaml")
    assert made.exit_code == 0, made.output
    back = run("secrets", "--from-controlplane-config", "controlplane.yaml", "-o", "-")
    assert back.exit_code == 0 and SecretsBundle.from_yaml(back.stdout).certs == bundle.certs
