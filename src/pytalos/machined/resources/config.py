"""Resources of the ``config`` namespace: the machine config the node runs with and its type.

``MachineConfigs.config.talos.dev`` (sensitive: it holds the node's secrets) has the ids
``v1alpha1`` (the active config) and ``persistent`` (the one saved on disk); its spec is the decoded
:class:`~pytalos.machinery.config.container.Container`, printed as the config YAML like Talos does.
``MachineTypes.config.talos.dev/machine-type`` prints as a bare string (``controlplane``).

``ConfigSources.config.pytalos.dev`` is pytalos's own input: the node process writes the raw
config bytes it acquired (disk, platform, apply-config) there, and the config controller decodes
and validates them into ``MachineConfigs``. It is not a Talos type, hence the ``pytalos.dev`` suffix.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from pytalos.machined.runtime import Resource, define
from pytalos.machinery.config.container import Container

from ._spec import Spec, yaml

NAMESPACE = "config"

MACHINE_CONFIG_TYPE = "MachineConfigs.config.talos.dev"
MACHINE_TYPE_TYPE = "MachineTypes.config.talos.dev"
CONFIG_SOURCE_TYPE = "ConfigSources.config.pytalos.dev"

#: ``config.V1Alpha1ID`` (the active config) and ``config.PersistentID`` (saved on STATE).
V1ALPHA1_ID = "v1alpha1"
PERSISTENT_ID = "persistent"
MACHINE_TYPE_ID = "machine-type"

DEFINITIONS = (
    define(MACHINE_CONFIG_TYPE, NAMESPACE, sensitive=True),
    define(MACHINE_TYPE_TYPE, NAMESPACE, print_columns=(("Type", "{@}"),)),
    define(CONFIG_SOURCE_TYPE, NAMESPACE, sensitive=True),
)


@dataclasses.dataclass(frozen=True)
class ConfigSourceSpec(Spec):
    """Raw config bytes and where they came from (a path, ``apply-config``, ``platform``...)."""

    data: bytes = field(default=b"", metadata=yaml("data"))
    source: str = field(default="", metadata=yaml("source"))


@dataclasses.dataclass(frozen=True, eq=False)
class MachineConfigSpec(Spec):
    """The decoded config; equal when the encoded bytes are equal (the container is never mutated)."""

    container: Container
    encoded: bytes

    @classmethod
    def of(cls, container: Container) -> MachineConfigSpec:
        return cls(container, container.bytes())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MachineConfigSpec) and self.encoded == other.encoded

    def __hash__(self) -> int:
        return hash(self.encoded)

    def to_yaml(self) -> Any:
        return self.encoded.decode()


@dataclasses.dataclass(frozen=True)
class MachineTypeSpec(Spec):
    """``controlplane``, ``worker``, ``init`` or ``unknown`` (Talos ``machine.Type``)."""

    machine_type: str = "unknown"

    @property
    def control_plane(self) -> bool:
        return self.machine_type in ("controlplane", "init")

    def to_yaml(self) -> Any:
        return self.machine_type


def config_source(data: bytes, source: str, id: str = V1ALPHA1_ID) -> Resource[ConfigSourceSpec]:
    """The input resource the node writes for a config it acquired."""
    return Resource.new(NAMESPACE, CONFIG_SOURCE_TYPE, id, ConfigSourceSpec(data, source))
