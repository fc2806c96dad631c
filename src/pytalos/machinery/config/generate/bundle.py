"""A generated set of configs — init, control plane, worker, talosconfig — with patches applied.

This is Talos's ``pkg/machinery/config/bundle``: ``gen config`` generates every machine type from one
:class:`~.input.Input` (so they share secrets), applies the ``--config-patch`` patches to all types,
``--config-patch-control-plane`` to init and control plane, ``--config-patch-worker`` to workers, and
then serializes the requested types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..container import Container
from ..errors import ConfigError
from . import constants as c
from .generator import generate, talosconfig
from .input import Input

if TYPE_CHECKING:
    from pytalos.machinery.client.config import Config as TalosConfig

    from ..patch import Patch


@dataclass
class ConfigBundle:
    """The configs ``gen config`` can write."""

    init: Container
    control_plane: Container
    worker: Container
    talos_config: TalosConfig

    @classmethod
    def generate(
        cls,
        inp: Input,
        patches: Sequence[Patch] = (),
        control_plane_patches: Sequence[Patch] = (),
        worker_patches: Sequence[Patch] = (),
    ) -> ConfigBundle:
        """Generate every type and apply the patch sets in Talos's order."""
        bundle = cls(
            init=generate(inp, c.TYPE_INIT),
            control_plane=generate(inp, c.TYPE_CONTROL_PLANE),
            worker=generate(inp, c.TYPE_WORKER),
            talos_config=talosconfig(inp),
        )
        bundle.apply_patches(patches, control_plane=True, worker=True, what="configs")
        bundle.apply_patches(
            control_plane_patches, control_plane=True, worker=False, what="control plane configs"
        )
        bundle.apply_patches(worker_patches, control_plane=False, worker=True, what="worker config")
        return bundle

    def apply_patches(
        self, patches: Sequence[Patch], *, control_plane: bool, worker: bool, what: str
    ) -> None:
        """Patch the selected types; errors read ``error patching <what>: …`` like Talos."""
        if not patches:
            return
        from ..patch import apply

        try:
            if control_plane:
                self.init = apply(self.init, patches)
                self.control_plane = apply(self.control_plane, patches)
            if worker:
                self.worker = apply(self.worker, patches)
        except ConfigError as exc:
            raise ConfigError(f"error patching {what}: {exc}") from None

    def config(self, machine_type: str) -> Container:
        """The config of ``machine_type`` (``init``, ``controlplane`` or ``worker``)."""
        if machine_type == c.TYPE_INIT:
            return self.init
        if machine_type == c.TYPE_CONTROL_PLANE:
            return self.control_plane
        if machine_type == c.TYPE_WORKER:
            return self.worker
        raise ConfigError(f"unexpected machine type {machine_type}")

    def serialize(self, machine_type: str, with_docs: bool = False, with_examples: bool = False) -> bytes:
        """The YAML bytes ``gen config`` writes for ``machine_type`` (``--with-docs``/``--with-examples``)."""
        return self.config(machine_type).encode(with_docs, with_examples).encode()
