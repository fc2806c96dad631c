"""Build v1alpha1 configs for validation tests from plain dicts (the YAML shape of the Go structs)."""

from __future__ import annotations

from typing import Any

from pytalos.machinery.config.schema import decode_struct
from pytalos.machinery.config.types.v1alpha1 import Config
from pytalos.machinery.config.validation import multierror_text
from pytalos.machinery.yamlx import Mapping, to_node

FOO = "Zm9v"  # base64 of b"foo"
BAR = "YmFy"  # base64 of b"bar"
ENDPOINT = {"controlPlane": {"endpoint": "https://localhost:6443/"}}
CP_CA = {"crt": FOO, "key": BAR}
WORKER_CA = {"crt": FOO}


def controlplane(**extra: Any) -> dict[str, Any]:
    return {"type": "controlplane", "ca": CP_CA, **extra}


def worker(**extra: Any) -> dict[str, Any]:
    return {"type": "worker", "ca": WORKER_CA, **extra}


def build(machine: dict[str, Any] | None, cluster: dict[str, Any] | None = None, **top: Any) -> Config:
    """A Config with ``version: v1alpha1``, the given machine and the localhost endpoint cluster."""
    doc: dict[str, Any] = {"version": "v1alpha1", **top}
    if machine is not None:
        doc["machine"] = machine
    doc["cluster"] = {**ENDPOINT, **(cluster or {})}
    node = to_node(doc)
    assert isinstance(node, Mapping)
    return decode_struct(Config, node)


def error_text(errors: list[str]) -> str:
    """Go's ``err.Error()`` for the collected errors ("" when there are none)."""
    return multierror_text(errors) if errors else ""


def bad_config_yaml(
    eth1: str, link_addresses: list[str], machine_extra: str = "", cluster_extra: str = ""
) -> str:
    """A controlplane config (v1alpha1 + a LinkConfig) with errors, for located-message tests.

    Its shape is fixed so tests can assert source lines: eth0 is fine, ``eth1`` (an indented YAML
    body) carries the bad address, the endpoint has no host, and ``eth2``'s addresses are listed.
    """
    addresses = "".join(f"  - address: {a}\n" for a in link_addresses)
    return (
        "version: v1alpha1\n"
        "machine:\n"
        "  type: controlplane\n"
        "  ca:\n"
        f"    crt: {FOO}\n"
        f"    key: {BAR}\n"
        "  install:\n"
        "    wipe: false\n"
        "  network:\n"
        "    interfaces:\n"
        "      - interface: eth0\n"
        "        addresses:\n"
        "          - 10.0.0.1/24\n"
        "      - interface: eth1\n"
        f"{eth1}{machine_extra}"
        "cluster:\n"
        "  controlPlane:\n"
        "    endpoint: https://:6443\n"
        f"{cluster_extra}"
        "  secretboxEncryptionSecret: c2VjcmV0\n"
        "---\n"
        "apiVersion: v1alpha1\n"
        "kind: LinkConfig\n"
        "name: eth2\n"
        f"addresses:\n{addresses}"
    )
