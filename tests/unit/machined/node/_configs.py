"""Generated configs shared by the node/server unit tests (generation takes a while: cached)."""

from __future__ import annotations

import functools

from pytalos.machinery.config.container import Container
from pytalos.machinery.config.generate import Input, generate
from pytalos.machinery.secrets.bundle import SecretsBundle


@functools.cache
def _bundle() -> SecretsBundle:
    return Input(cluster_name="unit", endpoint="https://127.0.0.1:6443").bundle


def config(kind: str = "controlplane") -> Container:
    """A fresh copy of a generated config of ``kind`` (one secrets bundle for all)."""
    return _generated(kind).clone()


@functools.cache
def _generated(kind: str) -> Container:
    return generate(
        Input(cluster_name="unit", endpoint="https://127.0.0.1:6443", secrets_bundle=_bundle()), kind
    )


def raw(kind: str = "controlplane") -> bytes:
    return _generated(kind).bytes()
