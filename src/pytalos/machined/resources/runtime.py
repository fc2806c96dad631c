"""Resources of the ``runtime`` namespace: machine status, services, version.

``MachineStatuses.runtime.talos.dev/machine`` aggregates the boot stage and the conditions that
keep the node from being ready; ``Services.v1alpha1.talos.dev/<id>`` mirrors each running system
service (``running``/``healthy``/``unknown``); ``Versions.runtime.talos.dev/version`` names the OS.

``MachineStages.runtime.pytalos.dev/machine`` is pytalos's own input: the sequencer writes the
stage it enters (Talos's MachineStatusController derives it from the sequencer's event stream).

``BootIDs.runtime.talos.dev/boot-id`` is Talos's kernel boot id. A pytalos node shares the host's
kernel, so ``/proc/sys/kernel/random/boot_id`` would never change across a node reboot (machined
re-executing itself); machined instead writes a fresh random id each time its process starts, which
is what ``talosctl reboot --wait`` compares to see that the node really went through a reboot.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import field

from pytalos.machined.runtime import define

from ._spec import Spec, yaml

NAMESPACE = "runtime"

MACHINE_STATUS_TYPE = "MachineStatuses.runtime.talos.dev"
SERVICE_TYPE = "Services.v1alpha1.talos.dev"
VERSION_TYPE = "Versions.runtime.talos.dev"
MACHINE_STAGE_TYPE = "MachineStages.runtime.pytalos.dev"
BOOT_ID_TYPE = "BootIDs.runtime.talos.dev"

MACHINE_STATUS_ID = "machine"
MACHINE_STAGE_ID = "machine"
VERSION_ID = "version"
BOOT_ID_ID = "boot-id"

DEFINITIONS = (
    define(
        MACHINE_STATUS_TYPE, NAMESPACE, print_columns=(("Stage", "{.stage}"), ("Ready", "{.status.ready}"))
    ),
    define(
        SERVICE_TYPE,
        NAMESPACE,
        aliases=("svc",),
        print_columns=(
            ("Running", "{.running}"),
            ("Healthy", "{.healthy}"),
            ("Health Unknown", "{.unknown}"),
        ),
    ),
    define(VERSION_TYPE, NAMESPACE, print_columns=(("Version", "{.version}"),)),
    define(MACHINE_STAGE_TYPE, NAMESPACE),
    define(BOOT_ID_TYPE, NAMESPACE, print_columns=(("Boot ID", "{.bootID}"),)),
)


class MachineStage(enum.Enum):
    """``runtime.MachineStage`` with the names Talos prints."""

    UNKNOWN = "unknown"
    BOOTING = "booting"
    INSTALLING = "installing"
    MAINTENANCE = "maintenance"
    RUNNING = "running"
    REBOOTING = "rebooting"
    SHUTTING_DOWN = "shutting down"
    RESETTING = "resetting"
    UPGRADING = "upgrading"


@dataclasses.dataclass(frozen=True)
class MachineStageSpec(Spec):
    """What the sequencer writes: the stage the machine is in."""

    stage: MachineStage = field(default=MachineStage.UNKNOWN, metadata=yaml("stage"))


@dataclasses.dataclass(frozen=True)
class UnmetCondition(Spec):
    name: str = field(default="", metadata=yaml("name"))
    reason: str = field(default="", metadata=yaml("reason"))


@dataclasses.dataclass(frozen=True)
class MachineStatusStatus(Spec):
    ready: bool = field(default=False, metadata=yaml("ready"))
    unmet_conditions: tuple[UnmetCondition, ...] = field(default=(), metadata=yaml("unmetConditions"))


@dataclasses.dataclass(frozen=True)
class MachineStatusSpec(Spec):
    """``runtime.MachineStatusSpec``."""

    stage: MachineStage = field(default=MachineStage.UNKNOWN, metadata=yaml("stage"))
    status: MachineStatusStatus = field(default_factory=MachineStatusStatus, metadata=yaml("status"))


@dataclasses.dataclass(frozen=True)
class ServiceSpec(Spec):
    """``v1alpha1.ServiceSpec``."""

    running: bool = field(default=False, metadata=yaml("running"))
    healthy: bool = field(default=False, metadata=yaml("healthy"))
    unknown: bool = field(default=False, metadata=yaml("unknown"))


@dataclasses.dataclass(frozen=True)
class VersionSpec(Spec):
    """``runtime.VersionSpec``."""

    version: str = field(default="", metadata=yaml("version"))


@dataclasses.dataclass(frozen=True)
class BootIDSpec(Spec):
    """``runtime.BootIDSpec``: this boot's id (see the module docstring)."""

    boot_id: str = field(default="", metadata=yaml("bootID"))
