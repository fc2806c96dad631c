"""A generated set of configs — init, control plane, worker, talosconfig — with patches applied.

This is Talos's ``pkg/machinery/config/bundle``: ``gen config`` generates every machine type from one
:class:`~.input.Input` (so they share secrets), applies the ``--config-patch`` patches to all types,
``--config-patch-control-plane`` to init and control plane, ``--config-patch-worker`` to workers, and
then serializes the requested types.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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

    control_plane: Container
    worker: Container
    talos_config: TalosConfig
    # the legacy "init" type is generated on first use: gen config never writes it
    input: Input | None = None
    init_patches: list[Sequence[Patch]] = field(default_factory=list)
    _init: Container | None = None

    @property
    def init(self) -> Container:
        if self._init is None:
            if self.input is None:
                raise ConfigError("this bundle was built without an input to generate the init config from")
            init = generate(self.input, c.TYPE_INIT)
            for patches in self.init_patches:
                init = self._patch(init, patches, "control plane configs")
            self._init = init
        return self._init

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
            input=inp,
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
        if control_plane:
            self.init_patches.append(patches)
            self.control_plane = self._patch(self.control_plane, patches, what)
        if worker:
            self.worker = self._patch(self.worker, patches, what)

    @staticmethod
    def _patch(config: Container, patches: Sequence[Patch], what: str) -> Container:
        from ..patch import apply

        try:
            return apply(config, patches)
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
