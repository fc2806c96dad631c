"""``talosctl gen ca|key|csr|crt|keypair|secrets``: files, names, modes, overwrite refusal and errors."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pytalos.cli.commands import gen_pki
from pytalos.machinery.crypto import x509 as pki
from pytalos.machinery.secrets.bundle import SecretsBundle

pytestmark = pytest.mark.unit


@click.group("gen")
@click.option("-f", "--force", is_flag=True)
def gen(force: bool) -> None:
    """Stand-in for the ``gen`` group the commands get mounted on."""


for _name in ("ca", "key", "csr", "crt", "keypair", "secrets"):
    gen.add_command(getattr(gen_pki, _name))


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(gen, list(args))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def orgs(cert: x509.Certificate) -> list[str]:
    return sorted(str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME))


def test_gen_ca_files(cwd: Path) -> None:
    result = run("ca", "--organization", "myca", "--hours", "10")
    assert result.exit_code == 0, result.output
    files = {p.name for p in cwd.iterdir()}
    assert files == {"myca.crt", "myca.key", "myca.sha256"}
    assert all(mode(cwd / f) == 0o600 for f in files)
    cert = pki.parse_certificate((cwd / "myca.crt").read_bytes())
    assert orgs(cert) == ["myca"]
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=10)
    assert isinstance(pki.parse_private_key((cwd / "myca.key").read_bytes()), ed25519.Ed25519PrivateKey)
    assert (cwd / "myca.sha256").read_text() == pki.spki_hash(cert)


def test_gen_ca_default_validity_and_rsa(cwd: Path) -> None:
    assert run("ca", "--organization", "r", "--rsa").exit_code == 0
    cert = pki.parse_certificate((cwd / "r.crt").read_bytes())
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=87600)
    key = pki.parse_private_key((cwd / "r.key").read_bytes())
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 4096


def test_existing_files_are_refused_unless_forced(cwd: Path) -> None:
    assert run("ca", "--organization", "o").exit_code == 0
    before = (cwd / "o.crt").read_bytes()
    again = run("ca", "--organization", "o")
    assert again.exit_code == 1
    assert again.stderr == (
        "error: 3 errors occurred:\n"
        '\t* file "o.crt" already exists, use --force to overwrite\n'
        '\t* file "o.sha256" already exists, use --force to overwrite\n'
        '\t* file "o.key" already exists, use --force to overwrite\n'
    )
    assert (cwd / "o.crt").read_bytes() == before
    assert run("ca", "--organization", "o", "-f").exit_code == 0
    assert (cwd / "o.crt").read_bytes() != before
    assert run("--force", "ca", "--organization", "o").exit_code == 0  # the gen group's flag counts too


def test_required_flags(cwd: Path) -> None:
    assert run("ca").stderr == 'error: required flag(s) "organization" not set\n'
    assert run("crt", "--name", "x").stderr == 'error: required flag(s) "ca", "csr" not set\n'
    assert run("csr", "--key", "k.key").exit_code == 1


def test_key_csr_crt_chain(cwd: Path) -> None:
    assert run("ca", "--organization", "myca").exit_code == 0
    assert run("key", "--name", "admin").exit_code == 0
    assert (cwd / "admin.key").read_bytes().startswith(b"-----BEGIN ED25519 PRIVATE KEY-----\n")
    result = run("csr", "--key", "admin.key", "--ip", "10.5.0.2", "--roles", "os:reader,os:etcd:backup")
    assert result.exit_code == 0, result.output
    assert mode(cwd / "admin.csr") == 0o600
    result = run("crt", "--ca", "myca", "--csr", "admin.csr", "--name", "admin", "--hours", "2")
    assert result.exit_code == 0, result.output
    cert = pki.parse_certificate((cwd / "admin.crt").read_bytes())
    cert.verify_directly_issued_by(pki.parse_certificate((cwd / "myca.crt").read_bytes()))
    assert orgs(cert) == ["os:etcd:backup", "os:reader"]
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=2)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["10.5.0.2"]
    key = pki.parse_private_key((cwd / "admin.key").read_bytes())
    assert cert.public_key() == key.public_key()


def test_csr_errors(cwd: Path) -> None:
    assert run("key", "--name", "k").exit_code == 0
    assert run("csr", "--key", "k.key", "--ip", "nope").stderr == "error: invalid IP: nope\n"
    bad_roles = run("csr", "--key", "k.key", "--ip", "1.1.1.1", "--roles", "os:admin,os:bogus")
    assert bad_roles.stderr == "error: unknown roles: os:bogus\n"
    (cwd / "junk.key").write_text("not pem")
    assert run("csr", "--key", "junk.key", "--ip", "1.1.1.1").stderr == "error: error decoding PEM\n"
    missing = run("csr", "--key", "missing.key", "--ip", "1.1.1.1")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: error reading key: ")
    assert run("csr", "--key", "k.key", "--ip", "1.1.1.1").exit_code == 0
    default_roles = pki.parse_csr((cwd / "k.csr").read_bytes())
    assert [a.value for a in default_roles.subject] == ["os:admin"]


def test_crt_errors(cwd: Path) -> None:
    missing = run("crt", "--ca", "nope", "--csr", "x.csr", "--name", "n")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: error reading CA cert: ")


def test_keypair(cwd: Path) -> None:
    assert run("keypair", "--organization", "kp", "--ip", "1.2.3.4").exit_code == 0
    cert = pki.parse_certificate((cwd / "kp.crt").read_bytes())
    assert orgs(cert) == ["kp"]
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(hours=24)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["1.2.3.4"]
    assert mode(cwd / "kp.key") == 0o600
    assert run("keypair", "--organization", "kp2", "--ip", "x").stderr == "error: invalid IP: x\n"


def test_gen_secrets_file(cwd: Path) -> None:
    result = run("secrets")
    assert result.exit_code == 0, result.output
    path = cwd / "secrets.yaml"
    assert mode(path) == 0o600
    bundle = SecretsBundle.from_yaml(path.read_text(), source=str(path))
    bundle.validate()
    assert bundle.to_yaml() == path.read_text()
    again = run("secrets")
    assert again.exit_code == 1
    assert again.stderr == 'error: file "secrets.yaml" already exists, use --force to overwrite\n'
    assert run("secrets", "--force").exit_code == 0


def test_gen_secrets_stdout_and_contract(cwd: Path) -> None:
    result = run("secrets", "-o", "-", "--talos-version", "v1.2")
    assert result.exit_code == 0
    bundle = SecretsBundle.from_yaml(result.stdout)
    bundle.validate()
    assert bundle.secrets and bundle.secrets.aescbc_encryption_secret
    assert list(cwd.iterdir()) == []
    assert run("secrets", "-o", str(cwd / "out.yaml")).exit_code == 0


def test_gen_secrets_errors(cwd: Path) -> None:
    bad = run("secrets", "--talos-version", "banana")
    assert bad.exit_code == 1
    assert bad.stderr == 'error: invalid talos-version: error parsing version "vbanana"\n'
    pki_dir = run("secrets", "-p", str(cwd / "no-pki"))
    assert pki_dir.exit_code == 1
    assert pki_dir.stderr == f"error: failed to create secrets bundle: '{cwd / 'no-pki'}' no such directory\n"
    assert not (cwd / "secrets.yaml").exists()
