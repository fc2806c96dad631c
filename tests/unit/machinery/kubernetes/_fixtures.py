"""Generated configs (current contract: ``Kube*Config`` documents; v1.7: legacy ``cluster`` fields)."""

from __future__ import annotations

import functools

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.contract import VersionContract
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.config.loader import load
from pytalos.machinery.secrets.bundle import SecretsBundle

ENDPOINT = "https://10.5.0.2:6443"


@functools.cache
def _bundle(contract: str) -> SecretsBundle:
    return SecretsBundle.generate(VersionContract.parse(contract) if contract else None)


@functools.cache
def _text(kind: str, contract: str) -> bytes:
    kw = {"version_contract": VersionContract.parse(contract)} if contract else {}
    return generate(Input("demo", ENDPOINT, secrets_bundle=_bundle(contract), **kw), kind).bytes()


def config(kind: str = "controlplane", contract: str = "", patch: bytes = b"") -> Container:
    """A fresh (mutable) container; ``patch`` is appended as extra YAML documents or replaces text."""
    return load(_text(kind, contract) + patch, "test.yaml")


def config_text(kind: str = "controlplane", contract: str = "") -> bytes:
    return _text(kind, contract)
