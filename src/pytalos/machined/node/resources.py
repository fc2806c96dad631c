"""machined's resource runtime: every controller of :func:`pytalos.machined.controllers.all_controllers`
running against one in-memory :class:`~pytalos.machined.runtime.State`, fed with what only machined
knows (the node's own inputs, as the controllers package documents them):

* ``ConfigSources.config.pytalos.dev``: ``v1alpha1`` (the active config) and ``persistent`` (the one on
  STATE; differs after a ``staged`` or during a ``try`` apply);
* ``MachineStages.runtime.pytalos.dev/machine``: the stage machined is in;
* ``BootIDs.runtime.talos.dev/boot-id``: a random id drawn once per machined process, i.e. per boot
  (a node reboot re-executes machined; the host kernel's boot id never changes here).

The platform handed to the controllers (:class:`LocalPlatform`) is this process's network namespace
(read by :class:`~pytalos.machined.controllers.network.rtnetlink.RtNetlink`), a machine id kept in
META, validation mode ``container``, and the host's clock (a node in a namespace shares the host
kernel's clock, which the host keeps in sync). A controller runtime that cannot start is logged and
the node goes on without it; boot then stops where it needs the hostname and addresses the network
controllers publish (:mod:`.identity`), with an error saying the runtime is not running.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytalos.machined.runtime import AlreadyExistsError, ControllerRuntime, Pointer, Resource, State
from pytalos.machined.system.stream import EventStream

from ..state.atomicfile import write_atomic
from .events import MachineStage

log = logging.getLogger("pytalos.machined.resources")

#: the stage names of :class:`~pytalos.machined.resources.runtime.MachineStage`
_STAGE_NAMES = {
    MachineStage.UNKNOWN: "UNKNOWN",
    MachineStage.BOOTING: "BOOTING",
    MachineStage.INSTALLING: "INSTALLING",
    MachineStage.MAINTENANCE: "MAINTENANCE",
    MachineStage.RUNNING: "RUNNING",
    MachineStage.REBOOTING: "REBOOTING",
    MachineStage.SHUTTING_DOWN: "SHUTTING_DOWN",
    MachineStage.RESETTING: "RESETTING",
    MachineStage.UPGRADING: "UPGRADING",
}


def machine_id(meta_dir: Path) -> str:
    """The node's machine id (32 hex digits), created once and kept in META."""
    path = meta_dir / "machine-id"
    try:
        value = path.read_text().strip()
        if len(value) == 32:
            return value
    except FileNotFoundError:
        pass
    value = secrets.token_hex(16)
    meta_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(path, f"{value}\n".encode(), mode=0o644)
    return value


@dataclass(frozen=True)
class LocalPlatform:
    """:class:`pytalos.machined.platform.NodePlatform` for machined's own process (see module docstring)."""

    netlink: Any
    machine_id: str
    root: Path
    events: EventStream[object]
    mode: str = "container"
    clock_trusted: bool = True


class NodeResources:
    """Owns the State and ControllerRuntime; writes machined's input resources."""

    def __init__(self, root: Path, meta_dir: Path, events: EventStream[object]) -> None:
        self.state = State()
        self.runtime: ControllerRuntime | None = None
        self._root = root
        self._meta = meta_dir
        self._events = events
        #: this boot's id (``BootIDs.runtime.talos.dev/boot-id``), new with every machined process
        self.boot_id = str(uuid.uuid4())

    async def start(self) -> None:
        try:
            from pytalos.machined.controllers import all_controllers
            from pytalos.machined.controllers.network.rtnetlink import RtNetlink

            platform = LocalPlatform(RtNetlink(None), machine_id(self._meta), self._root, self._events)
            runtime = ControllerRuntime(self.state)
            for controller in all_controllers(platform):
                runtime.register(controller)
            await runtime.start()
        except Exception as err:  # the node runs without resources rather than not at all
            log.error("controller runtime not started: %s: %s", type(err).__name__, err)
            return
        self.runtime = runtime
        await self.set_boot_id()

    async def stop(self) -> None:
        runtime, self.runtime = self.runtime, None
        if runtime is not None:
            try:
                await runtime.stop()
            except Exception as err:
                log.warning("controller runtime stop: %s", err)

    async def _put(self, resource: Resource[Any]) -> None:
        if self.runtime is None:
            return
        try:
            await self.state.create(resource)
        except AlreadyExistsError:
            spec = resource.spec

            def replace(current: Resource[Any]) -> None:
                current.spec = spec

            meta = resource.metadata
            await self.state.update_with_conflicts(Pointer(meta.namespace, meta.type, meta.id), replace)

    async def set_config(self, raw: bytes, source: str, *, persistent: bool, active: bool) -> None:
        from pytalos.machined.resources import config

        if active:
            await self._put(config.config_source(raw, source, config.V1ALPHA1_ID))
        if persistent:
            await self._put(config.config_source(raw, source, config.PERSISTENT_ID))

    async def set_stage(self, stage: MachineStage) -> None:
        from pytalos.machined.resources import runtime

        spec = runtime.MachineStageSpec(runtime.MachineStage[_STAGE_NAMES[stage]])
        await self._put(
            Resource.new(runtime.NAMESPACE, runtime.MACHINE_STAGE_TYPE, runtime.MACHINE_STAGE_ID, spec)
        )

    async def set_boot_id(self) -> None:
        from pytalos.machined.resources import runtime

        spec = runtime.BootIDSpec(self.boot_id)
        await self._put(Resource.new(runtime.NAMESPACE, runtime.BOOT_ID_TYPE, runtime.BOOT_ID_ID, spec))
