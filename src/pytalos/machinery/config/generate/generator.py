"""Assemble a generated machine config and the matching talosconfig (Talos ``generate.Input.Config``).

The builders in :mod:`.legacy`, :mod:`.documents` and :mod:`.kubernetes` produce plain YAML-keyed
documents in Talos's order; this module decodes each one with the typed document model (so field
order, omission and value formatting come from the same code that reads configs) and wraps them in a
:class:`~pytalos.machinery.config.container.Container`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...yamlx import Mapping, to_node
from ..container import Container
from ..errors import ConfigError
from ..loader import decode_document
from . import constants as c
from .documents import (
    Doc,
    block_documents,
    discovery_documents,
    install_documents,
    network_documents,
    registry_documents,
    resolver_documents,
    security_profile_documents,
    sysctl_documents,
)
from .input import Input
from .kubernetes import control_plane_documents, universal_documents
from .legacy import v1alpha1_document

if TYPE_CHECKING:
    from pytalos.machinery.client.config import Config as TalosConfig


class GenerateError(ConfigError):
    """Generation failed (unknown machine type, a document the typed model rejects, …)."""


def document_data(inp: Input, machine_type: str) -> list[Doc]:
    """Every document of the config for ``machine_type`` as plain data, in Talos's output order."""
    if machine_type not in c.MACHINE_TYPES:
        raise GenerateError("failed to determine config type to generate")
    control_plane = machine_type != c.TYPE_WORKER
    docs: list[Doc] = [v1alpha1_document(inp, machine_type)]
    docs += discovery_documents(inp)
    docs += install_documents(inp)
    docs += resolver_documents(inp)
    docs += sysctl_documents(inp)
    docs += block_documents(inp)
    docs += security_profile_documents(inp)
    docs += registry_documents(inp)
    docs += network_documents(inp)
    docs += universal_documents(inp, control_plane)
    if control_plane:
        docs += control_plane_documents(inp)
    return docs


def _decode(data: dict[str, Any]) -> Any:
    node = to_node(data)
    assert isinstance(node, Mapping)
    try:
        return decode_document(node, "<generated>")
    except ConfigError as exc:
        raise GenerateError(f"generated {data.get('kind', 'v1alpha1')} document: {exc.message}") from None


def generate(inp: Input, machine_type: str) -> Container:
    """The machine config for ``machine_type`` (``controlplane``, ``worker`` or legacy ``init``)."""
    return Container([_decode(d) for d in document_data(inp, machine_type)])


def talosconfig(inp: Input, endpoints: Sequence[str] | None = None) -> TalosConfig:
    """The admin talosconfig: one context named after the cluster, a client cert from the OS CA.

    ``endpoints`` defaults to the input's ``endpoint_list`` (``gen config`` leaves it empty).
    """
    from pytalos.machinery.client.config import Config as TalosConfig

    chosen = list(inp.endpoint_list if endpoints is None else endpoints)
    return TalosConfig.from_bundle(inp.cluster_name, inp.bundle, chosen, roles=inp.roles)
