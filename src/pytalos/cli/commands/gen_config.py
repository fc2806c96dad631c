"""The work behind ``talosctl gen config`` (flag handling, generation, writing the files).

Kept apart from the click definitions in :mod:`pytalos.cli.commands.gen` so that merely building the
``gen`` command tree does not import the config machinery.  Every check and message follows Talos's
``cmd/talosctl/cmd/mgmt/gen/config.go``; errors are raised as ``ValueError``/``OSError`` with Talos's
text and shown by the caller as ``error: <text>``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from pytalos.machinery.config.contract import CURRENT, VersionContract
from pytalos.machinery.config.errors import ConfigError
from pytalos.machinery.config.generate import (
    TYPE_CONTROL_PLANE,
    TYPE_WORKER,
    Input,
    validate_cluster_endpoint,
)
from pytalos.machinery.config.generate.bundle import ConfigBundle

CONTROL_PLANE_OUTPUT = "controlplane"
WORKER_OUTPUT = "worker"
TALOSCONFIG_OUTPUT = "talosconfig"
ALL_OUTPUT_TYPES = (CONTROL_PLANE_OUTPUT, WORKER_OUTPUT, TALOSCONFIG_OUTPUT)
STDOUT = "-"


def _split(values: Any) -> list[str]:
    """cobra ``StringSlice``: each occurrence may hold comma-separated values."""
    return [part.strip() for value in values or () for part in str(value).split(",") if value]


def validate_flags(output_types: list[str], output: str, output_dir: str) -> str:
    """Talos ``validateFlags``; returns the effective ``--output``."""
    if not output_types:
        raise ValueError("at least one output type must be specified")
    if len(output_types) > 1 and output == STDOUT:
        raise ValueError("can't use multiple output types with stdout")
    if output_dir and output:
        raise ValueError("can't use both output-dir and output")
    if output_dir:
        output = output_dir
    invalid = [t for t in output_types if t not in ALL_OUTPUT_TYPES]
    if len(invalid) == 1:
        raise ValueError(f'1 error occurred:\n\t* invalid output type: "{invalid[0]}"\n\n')
    if invalid:
        lines = "".join(f'\t* invalid output type: "{t}"\n' for t in invalid)
        raise ValueError(f"{len(invalid)} errors occurred:\n{lines}\n")
    return output


def output_paths(output: str, output_types: list[str], output_dir: str) -> dict[str, str]:
    """Destination per output type (Talos ``outputPaths``)."""
    if output == STDOUT:
        return dict.fromkeys(ALL_OUTPUT_TYPES, STDOUT)
    if output == "":
        base = os.getcwd()
    elif len(output_types) == 1 and not output_dir:
        return dict.fromkeys(ALL_OUTPUT_TYPES, output)
    else:
        base = output
    return {
        CONTROL_PLANE_OUTPUT: os.path.join(base, "controlplane.yaml"),
        WORKER_OUTPUT: os.path.join(base, "worker.yaml"),
        TALOSCONFIG_OUTPUT: os.path.join(base, "talosconfig"),
    }


def write_to_destination(data: bytes, destination: str, forced: bool, mode: int = 0o644) -> None:
    """Write one output (stdout for ``-``), refusing to overwrite without ``--force``."""
    if destination == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if not forced and os.path.exists(destination):
        raise ValueError(f'file "{destination}" already exists, use --force to overwrite')
    parent = os.path.dirname(destination)
    if parent:
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as exc:
            raise OSError(f"failed to create output dir: {exc.strerror or exc}") from None
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
    finally:
        os.close(fd)
    print(f"Created {destination}", file=sys.stderr)


def _read_patch_file(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise ValueError(f"open {name}: no such file or directory") from None
    except OSError as exc:
        raise ValueError(f"open {name}: {(exc.strerror or str(exc)).lower()}") from None


def _load_patches(items: list[str]) -> list[Any]:
    from pytalos.machinery.config.patch import load_patches

    try:
        return load_patches(items, _read_patch_file)
    except (ConfigError, ValueError) as exc:
        raise ValueError(f"error parsing config JSON patch: {exc}") from None


def _contract(talos_version: str) -> VersionContract:
    if not talos_version:
        return CURRENT
    try:
        return VersionContract.parse(talos_version)
    except ValueError as exc:
        raise ValueError(f"invalid talos-version: {exc}") from None


def _registry_mirrors(specs: list[str]) -> dict[str, list[str]]:
    mirrors: dict[str, list[str]] = {}
    for spec in specs:
        host, eq, url = spec.partition("=")
        if not eq:
            raise ValueError(f'invalid registry mirror spec: "{spec}"')
        mirrors[host] = [url]
    return mirrors


def _secrets_bundle(path: str) -> Any:
    from pytalos.machinery.secrets.bundle import SecretsBundle, SecretsBundleError

    try:
        bundle = SecretsBundle.from_yaml(Path(path).read_bytes(), path)
    except FileNotFoundError:
        raise ValueError(f"failed to load secrets bundle: open {path}: no such file or directory") from None
    except SecretsBundleError as exc:
        raise ValueError(f"failed to load secrets bundle: {exc.multierror_text.rstrip()}") from None
    errors = bundle.validation_errors()
    if errors:
        raise ValueError(f"failed to validate secrets bundle: {SecretsBundleError(errors).multierror_text}")
    return bundle


def _new_secrets_bundle(contract: VersionContract, keygen: Any) -> Any:
    """A fresh bundle; the RSA service-account key comes from ``keygen`` when one was started."""
    from pytalos.machinery.secrets.bundle import Certs, SecretsBundle

    bundle = SecretsBundle()
    if keygen is not None:
        from pytalos.machinery.crypto.x509 import PEMEncodedKey, encode_private_key

        bundle.certs = Certs(k8s_service_account=PEMEncodedKey(encode_private_key(keygen.result())))
    bundle.populate(contract)
    return bundle


def run_gen_config(
    cluster_name: str, endpoint: str, flags: dict[str, Any], forced: bool, keygen: Any = None
) -> None:
    """Generate and write the requested outputs (``keygen``: a pending RSA service-account key)."""
    validate_cluster_endpoint(endpoint)
    if flags["config_version"] != "v1alpha1":
        raise ValueError(f'unknown config version: "{flags["config_version"]}"')

    output_types = _split(flags["output_types"])
    output = validate_flags(output_types, flags["output"], flags["output_dir"])
    paths = output_paths(output, output_types, flags["output_dir"])
    mirrors = _registry_mirrors(_split(flags["registry_mirror"]))
    contract = _contract(flags["talos_version"])
    bundle = _secrets_bundle(flags["with_secrets"]) if flags["with_secrets"] else None
    if bundle is None:
        bundle = _new_secrets_bundle(contract, keygen)

    patches = _load_patches(list(flags["config_patch"]))
    cp_patches = _load_patches(list(flags["config_patch_control_plane"]))
    worker_patches = _load_patches(list(flags["config_patch_worker"]))

    try:
        inp = Input(
            cluster_name,
            endpoint,
            flags["kubernetes_version"],
            secrets_bundle=bundle,
            version_contract=contract,
            install_disk=flags["install_disk"],
            install_image=flags["install_image"],
            additional_subject_alt_names=_split(flags["additional_sans"]),
            dns_domain=flags["dns_domain"],
            discovery_enabled=flags["with_cluster_discovery"],
            kubespan_enabled=True if flags["with_kubespan"] else None,
            registry_mirrors=mirrors,
        )
        configs = ConfigBundle.generate(inp, patches, cp_patches, worker_patches)
    except ConfigError as exc:
        raise ValueError(f"failed to generate config bundle: {exc}") from None

    with_docs = bool(flags["with_docs"])
    with_examples = bool(flags["with_examples"])
    wanted = set(output_types)
    if CONTROL_PLANE_OUTPUT in wanted:
        data = configs.serialize(TYPE_CONTROL_PLANE, with_docs, with_examples)
        write_to_destination(data, paths[CONTROL_PLANE_OUTPUT], forced)
    if WORKER_OUTPUT in wanted:
        data = configs.serialize(TYPE_WORKER, with_docs, with_examples)
        write_to_destination(data, paths[WORKER_OUTPUT], forced)
    if TALOSCONFIG_OUTPUT in wanted:
        write_to_destination(configs.talos_config.to_yaml().encode(), paths[TALOSCONFIG_OUTPUT], forced)
