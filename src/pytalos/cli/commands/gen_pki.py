"""``talosctl gen ca|key|csr|crt|keypair|secrets``: offline PKI and secrets-bundle generation.

Mirrors ``cmd/talosctl/cmd/mgmt/gen/{ca,key,csr,crt,keypair,secrets}.go``: same flags, same file names
(``<organization>.crt/.key/.sha256``, ``<name>.key``, ``<key basename>.csr``, ``<name>.crt``,
``secrets.yaml``), files written 0600, existing files refused unless ``-f/--force``, same error texts.
The commands are module attributes; the ``gen`` group mounts them.  ``--force`` is accepted on each
command and also honoured when given to a parent group (Talos has it as a persistent ``gen`` flag).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import click

from pytalos.machinery import role
from pytalos.machinery.crypto import x509 as pki
from pytalos.machinery.secrets.bundle import SecretsBundle, parse_contract


class CLIError(click.ClickException):
    """A failed command: ``error: <message>`` on stderr, exit code 1."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


_force_option = click.option("-f", "--force", is_flag=True, help="will overwrite existing files")


def _forced(force: bool) -> bool:
    ctx: click.Context | None = click.get_current_context()
    while ctx is not None:
        if ctx.params.get("force"):
            return True
        ctx = ctx.parent
    return force


def _require(**flags: Any) -> None:
    missing = [name.replace("_", "-") for name, value in flags.items() if not value]
    if missing:
        raise CLIError("required flag(s) " + ", ".join(f'"{m}"' for m in missing) + " not set")


def _refuse_existing(force: bool, *files: str) -> None:
    """``validateFilesExists``: every existing file is reported (go-multierror text when several)."""
    if _forced(force):
        return
    errs = [f'file "{f}" already exists, use --force to overwrite' for f in files if os.path.exists(f)]
    if len(errs) == 1:
        raise CLIError(errs[0])
    if errs:
        raise CLIError(f"{len(errs)} errors occurred:\n\t" + "\n\t".join(f"* {e}" for e in errs))


def _write_secret(path: str, data: bytes, what: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
    except OSError as exc:
        raise CLIError(f"{what}: {exc}") from exc


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CLIError(f"{what}: open {path}: {exc.strerror or exc}") from exc


@click.command("ca")
@click.option("--organization", default="", help="X.509 distinguished name for the Organization")
@click.option(
    "--hours",
    default=87600,
    show_default=True,
    help="the hours from now on which the certificate validity period ends",
)
@click.option("--rsa", is_flag=True, help="generate in RSA format")
@_force_option
def ca(organization: str, hours: int, rsa: bool, force: bool) -> None:
    """Generates a self-signed X.509 certificate authority."""
    _require(organization=organization)
    algorithm = pki.KeyAlgorithm.RSA if rsa else pki.KeyAlgorithm.ED25519
    try:
        pair = pki.new_self_signed_ca(
            organizations=[organization], algorithm=algorithm, validity=timedelta(hours=hours)
        )
    except (pki.X509Error, ValueError) as exc:
        raise CLIError(f"error generating CA: {exc}") from exc
    crt_file, hash_file, key_file = (organization + ext for ext in (".crt", ".sha256", ".key"))
    _refuse_existing(force, crt_file, hash_file, key_file)
    _write_secret(crt_file, pair.crt, "error writing CA certificate")
    _write_secret(hash_file, pki.spki_hash(pair.certificate()).encode(), "error writing certificate hash")
    _write_secret(key_file, pair.key, "error writing key")


@click.command("key")
@click.option("--name", default="", help="the basename of the generated file")
@_force_option
def key(name: str, force: bool) -> None:
    """Generates an Ed25519 private key."""
    _require(name=name)
    pem = pki.encode_private_key(pki.generate_private_key(pki.KeyAlgorithm.ED25519))
    _refuse_existing(force, name + ".key")
    _write_secret(name + ".key", pem, "error writing key")


@click.command("csr")
@click.option("--key", "key_path", default="", help="path to the PEM encoded EC or RSA PRIVATE KEY")
@click.option("--ip", default="", help="generate the certificate for this IP address")
@click.option("--roles", multiple=True, default=[role.ADMIN], show_default=True, help="roles")
@_force_option
def csr(key_path: str, ip: str, roles: tuple[str, ...], force: bool) -> None:
    """Generates a CSR using an Ed25519 private key."""
    _require(key=key_path, ip=ip)
    data = _read(key_path, "error reading key")
    if pki.pem_decode(data) is None:
        raise CLIError("error decoding PEM")
    try:
        private = pki.parse_private_key(data)
    except pki.X509Error as exc:
        raise CLIError(f"error parsing ECDSA key: {exc}") from exc
    try:
        ips = pki.parse_ips([ip])
    except pki.X509Error as exc:
        raise CLIError(str(exc)) from exc
    try:
        parsed = role.parse([r for item in roles for r in item.split(",")], strict=True)
    except role.UnknownRolesError as exc:
        raise CLIError(str(exc)) from exc
    try:
        request = pki.create_csr(private, organizations=parsed.strings(), ip_addresses=ips)
    except (pki.X509Error, ValueError) as exc:
        raise CLIError(f"error generating CSR: {exc}") from exc
    out = os.path.splitext(key_path)[0] + ".csr"
    _refuse_existing(force, out)
    _write_secret(out, request, "error writing CSR")


@click.command("crt")
@click.option("--name", default="", help="the basename of the generated file")
@click.option(
    "--ca",
    "ca_name",
    default="",
    help="path to the PEM encoded CERTIFICATE (a basename: <ca>.crt and <ca>.key are read)",
)
@click.option("--csr", "csr_path", default="", help="path to the PEM encoded CERTIFICATE REQUEST")
@click.option(
    "--hours",
    default=24,
    show_default=True,
    help="the hours from now on which the certificate validity period ends",
)
@_force_option
def crt(name: str, ca_name: str, csr_path: str, hours: int, force: bool) -> None:
    """Generates an X.509 Ed25519 certificate (a client certificate signed from a CSR)."""
    _require(name=name, ca=ca_name, csr=csr_path)
    ca_crt = _read(ca_name + ".crt", "error reading CA cert")
    if pki.pem_decode(ca_crt) is None:
        raise CLIError("error decoding cert PEM")
    ca_key = _read(ca_name + ".key", "error reading key file")
    if pki.pem_decode(ca_key) is None:
        raise CLIError("error decoding key PEM")
    request = _read(csr_path, "error reading CSR")
    if pki.pem_decode(request) is None:
        raise CLIError("error parsing CSR PEM")
    authority = pki.CertificateAndKey(ca_crt, ca_key)
    try:
        authority.certificate()
    except pki.X509Error as exc:
        raise CLIError(f"error parsing cert: {exc}") from exc
    try:
        authority.private_key()
    except pki.X509Error as exc:
        raise CLIError(f"error parsing EC key: {exc}") from exc
    try:
        signed = pki.sign_csr(
            authority,
            request,
            validity=timedelta(hours=hours),
            key_usage=pki.KeyUsage.DIGITAL_SIGNATURE,
            ext_key_usage=[pki.CLIENT_AUTH],
        )
    except (pki.X509Error, ValueError) as exc:
        raise CLIError(f"error signing certificate: {exc}") from exc
    _refuse_existing(force, name + ".crt")
    _write_secret(name + ".crt", signed, "error writing certificate")


@click.command("keypair")
@click.option("--ip", default="", help="generate the certificate for this IP address")
@click.option("--organization", default="", help="X.509 distinguished name for the Organization")
@_force_option
def keypair(ip: str, organization: str, force: bool) -> None:
    """Generates an X.509 Ed25519 key pair (a self-signed certificate valid for 24h)."""
    _require(organization=organization)
    try:
        ips = pki.parse_ips([ip]) if ip else []
    except pki.X509Error as exc:
        raise CLIError(str(exc)) from exc
    try:
        pair = pki.new_self_signed_ca(organizations=[organization], ip_addresses=ips)
    except (pki.X509Error, ValueError) as exc:
        raise CLIError(f"error generating CA: {exc}") from exc
    crt_file, key_file = organization + ".crt", organization + ".key"
    _refuse_existing(force, crt_file, key_file)
    _write_secret(crt_file, pair.crt, "error writing certificate")
    _write_secret(key_file, pair.key, "error writing key")


@click.command("secrets")
@click.option(
    "-o",
    "--output-file",
    default="secrets.yaml",
    show_default=True,
    help='path of the output file, or "-" for stdout',
)
@click.option(
    "--talos-version",
    default="",
    help="the desired Talos version to generate secrets bundle for (backwards compatibility, e.g. v0.8)",
)
@click.option(
    "-p",
    "--from-kubernetes-pki",
    default="",
    help="use a Kubernetes PKI directory (e.g. /etc/kubernetes/pki) as input",
)
@click.option(
    "--from-controlplane-config",
    default="",
    help="use the provided controlplane Talos machine configuration as input",
)
@click.option(
    "-t",
    "--kubernetes-bootstrap-token",
    default="",
    help="use the provided bootstrap token as input (with --from-kubernetes-pki)",
)
@_force_option
def secrets(
    output_file: str,
    talos_version: str,
    from_kubernetes_pki: str,
    from_controlplane_config: str,
    kubernetes_bootstrap_token: str,
    force: bool,
) -> None:
    """Generates a secrets bundle file which can later be used to generate a config."""
    contract = None
    if talos_version:
        try:
            contract = parse_contract(talos_version)
        except ValueError as exc:
            raise CLIError(f"invalid talos-version: {exc}") from exc
    try:
        if from_kubernetes_pki:
            bundle = SecretsBundle.from_kubernetes_pki(
                from_kubernetes_pki, kubernetes_bootstrap_token, contract
            )
        elif from_controlplane_config:
            data = _read(from_controlplane_config, "failed to load controlplane config")
            bundle = SecretsBundle.from_controlplane_config(
                data, from_controlplane_config, now=datetime.now(UTC)
            )
        else:
            bundle = SecretsBundle.generate(contract)
    except ValueError as exc:
        raise CLIError(f"failed to create secrets bundle: {exc}") from exc
    data = bundle.to_yaml().encode()
    if output_file == "-":
        click.echo(data.decode(), nl=False)
        return
    _refuse_existing(force, output_file)
    _write_secret(output_file, data, "error writing secrets bundle")
