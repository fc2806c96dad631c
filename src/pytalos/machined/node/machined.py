"""machined as the root process of a node: config, sequences, services and API in one asyncio loop.

:meth:`Machined.run` runs Initialize (layout, containerd, config — waiting in maintenance mode when
STATE has no usable config) then Boot (every service the config asks for, waited up), and stays
until a Reboot or Shutdown sequence ends it; it returns what the process must do next
(:class:`ExitAction`): exit, or start again from STATE (reboot). SIGTERM/SIGINT request a shutdown,
SIGUSR1 a reboot. The tasks the sequences call are the methods of :class:`Machined`
(:class:`~pytalos.machined.sequencer.sequences.NodeTasks`). The node's hostname and addresses are
the network controllers' resources, read through :class:`~.identity.NodeNames`.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import os
import signal
from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytalos.api.server import ApiServer
from pytalos.machined.sequencer import sequences
from pytalos.machined.sequencer.lock import SequenceLockedError
from pytalos.machined.sequencer.runner import SequenceCanceledError, SequenceFailedError, Sequencer
from pytalos.machined.sequencer.sequence import Sequence
from pytalos.machined.server.apply import Applier
from pytalos.machined.services.containerd import ContainerdService
from pytalos.machined.system import ServiceLogs, ServiceWaitError, System
from pytalos.machined.system.service import Service
from pytalos.machined.system.service_runner import ServiceInfo
from pytalos.machinery.config.container import Container

from ..state.config_store import ConfigLoadError, ConfigStore, LoadedConfig
from . import api
from .config_runtime import DEFAULT_ROLLBACK_TIMEOUT, ConfigRuntime
from .events import ConfigLoadErrorEvent, EventBus, MachineStage
from .identity import DEFAULT_IDENTITY_TIMEOUT, IdentityUnavailableError, NodeNames, StaticAddresses
from .layout import NodeLayout
from .meta import NodeMeta, open_node_meta
from .resources import NodeResources
from .service_plan import PlanInputs, plan_services
from .status import MachineStatus
from .wipe import wipe_volumes

log = logging.getLogger("pytalos.machined")

CONTAINERD_START_TIMEOUT = 30.0


class ExitAction(enum.Enum):
    SHUTDOWN = "shutdown"
    REBOOT = "reboot"


@dataclass
class MachinedOptions:
    root: Path
    api_host: str = "0.0.0.0"
    api_port: int = 50000
    etcd_client_port: int = 2379
    etcd_peer_port: int = 2380
    boot_timeout: float = 300.0
    rollback_timeout: float = DEFAULT_ROLLBACK_TIMEOUT
    #: fixed node addresses replacing ``NodeAddresses`` (``--address``); default: the controllers'
    addresses: StaticAddresses | None = None
    #: how long boot waits for the controllers to publish the hostname and addresses
    identity_timeout: float = DEFAULT_IDENTITY_TIMEOUT
    handle_signals: bool = True
    #: the service Initialize starts before the config (the system containerd); replaceable in tests
    early_service: Callable[[NodeLayout, ServiceLogs], Service] | None = None
    #: which services a config asks for (:func:`~.service_plan.plan_services`); replaceable in tests
    plan: Callable[[Container, PlanInputs], list[Service]] = plan_services
    #: run the controllers (:mod:`.resources`); unit tests of the sequences turn them off
    run_controllers: bool = True


class Machined:
    """One node's machined; see the module docstring."""

    def __init__(self, options: MachinedOptions) -> None:
        self.options = options
        self.layout = NodeLayout(options.root)
        self.store = ConfigStore(self.layout)
        self.events = EventBus()
        self.resources = NodeResources(self.layout.root, self.layout.meta, self.events.stream)
        #: the node's META tags (:mod:`.meta`), loaded when :meth:`run` starts
        self.meta: NodeMeta | None = None
        self._stage_changed = asyncio.Event()
        self.status = MachineStatus(self.events, lambda stage: self._stage_changed.set())
        self.logs = ServiceLogs(self.layout.logs)
        self.system = System(events=self.events, logs=self.logs)
        self.sequencer = Sequencer(self.events)
        self.configs = ConfigRuntime(self.store, self.events, self.request_reboot, self._config_changed)
        self.names = NodeNames(
            self.resources.state,
            timeout=options.identity_timeout,
            fixed=options.addresses,
            why_missing=self._why_no_resources,
        )
        self._exit: asyncio.Future[ExitAction] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.maintenance_server: ApiServer | None = None
        #: the system volumes the next Reset sequence wipes (:meth:`request_reset`)
        self._reset_labels: frozenset[str] = frozenset(("STATE", "EPHEMERAL"))

    # -- process lifecycle ------------------------------------------------------------------------

    async def run(self) -> ExitAction:
        loop = asyncio.get_running_loop()
        self._exit = loop.create_future()
        if self.options.handle_signals:
            loop.add_signal_handler(signal.SIGTERM, self.request_shutdown)
            loop.add_signal_handler(signal.SIGINT, self.request_shutdown)
            loop.add_signal_handler(signal.SIGUSR1, self.request_reboot, "")
        if self.options.run_controllers:
            self.layout.meta.mkdir(parents=True, exist_ok=True)
            await self.resources.start()
            self._stage_changed.set()
            self._spawn(self._mirror_stage(), "stage-resource")
        self.meta = await open_node_meta(self.layout.meta, self.resources.state)
        self._spawn(self.names.follow(), "hostname")
        self._spawn(self._lifecycle(), "lifecycle")
        try:
            return await self._exit
        finally:
            if self.options.handle_signals:
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1):
                    loop.remove_signal_handler(sig)
            await self._cleanup()

    async def _cleanup(self) -> None:
        current = asyncio.current_task()
        for task in list(self._tasks):
            if task is not current:
                task.cancel()
        await asyncio.gather(*(t for t in self._tasks if t is not current), return_exceptions=True)
        await self.configs.close()
        if not self.system.terminating:
            await self.system.shutdown()
        await self.resources.stop()
        self.logs.close()
        self.layout.pid_file.unlink(missing_ok=True)

    async def _mirror_stage(self) -> None:
        """Keep ``MachineStages/machine`` equal to the latest stage (updates coalesce)."""
        while True:
            await self._stage_changed.wait()
            self._stage_changed.clear()
            try:
                await self.resources.set_stage(self.status.stage)
            except Exception as err:
                log.warning("machine stage resource not updated: %s", err)

    async def _config_changed(self, config: LoadedConfig, persistent: bool, active: bool) -> None:
        try:
            await self.resources.set_config(
                config.raw, config_source_name(self.store), persistent=persistent, active=active
            )
        except Exception as err:
            log.warning("config source resources not updated: %s", err)

    def _spawn(self, coro: Coroutine[Any, Any, object], name: str) -> None:
        task: asyncio.Task[Any] = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _finish(self, action: ExitAction) -> None:
        if self._exit is not None and not self._exit.done():
            self._exit.set_result(action)

    async def _run_sequence(self, sequence: Sequence, actor_id: str = "", takeover: bool = False) -> bool:
        try:
            await self.sequencer.run(sequence, actor_id, takeover)
        except SequenceCanceledError as err:
            log.info("%s", err)
            return False
        except SequenceLockedError as err:
            log.warning("%s", err)
            return False
        except SequenceFailedError as err:
            self.status.set_unmet(str(sequence.name), str(err))
            if sequence.name.value == "boot" and not self.store.is_proven():
                await self.configs.roll_back(f"boot failed: {err}")
            return False
        return True

    async def _lifecycle(self) -> None:
        if not await self._run_sequence(sequences.initialize(self)):
            return
        self.configs.arm_watchdog(self.options.rollback_timeout, self.why_not_running)
        if not await self._run_sequence(sequences.boot(self)):
            return
        self.status.set_stage(MachineStage.RUNNING)
        if self.status.ready:
            self.configs.node_running()

    async def _final(self, sequence: Sequence, action: ExitAction, actor_id: str) -> None:
        """Run a sequence that ends the process; the process ends once the sequence completed."""
        if await self._run_sequence(sequence, actor_id, takeover=True):
            self._finish(action)

    def request_reboot(self, actor_id: str = "") -> None:
        self.status.set_stage(MachineStage.REBOOTING)
        self._spawn(self._final(sequences.reboot(self), ExitAction.REBOOT, actor_id), "reboot")

    def request_shutdown(self, actor_id: str = "") -> None:
        self.status.set_stage(MachineStage.SHUTTING_DOWN)
        self._spawn(self._final(sequences.shutdown(self), ExitAction.SHUTDOWN, actor_id), "shutdown")

    def request_reset(
        self, reboot_after: bool = True, labels: Collection[str] | None = None, actor_id: str = ""
    ) -> None:
        """Reset: wipe the system volumes ``labels`` (default STATE and EPHEMERAL, :mod:`.wipe`)."""
        self._reset_labels = frozenset(("STATE", "EPHEMERAL") if labels is None else labels)
        self.status.set_stage(MachineStage.RESETTING)
        action = ExitAction.REBOOT if reboot_after else ExitAction.SHUTDOWN
        self._spawn(self._final(sequences.reset(self, reboot_after=reboot_after), action, actor_id), "reset")

    # -- what the API and status read -------------------------------------------------------------

    def hostname(self) -> str:
        """``HostnameStatuses/hostname`` as last published (reply metadata); empty while there is none."""
        return self.names.hostname()

    def _why_no_resources(self) -> str:
        if self.resources.runtime is None:
            return "the controller runtime is not running (see the log for why it did not start)"
        return ""

    def service_list(self) -> list[ServiceInfo]:
        return self.system.service_list()

    def why_not_running(self) -> str:
        pending = [f"{i.id} is {i.state}" for i in self.system.service_list() if i.state != "Running"]
        unmet = [f"{c.name}: {c.reason}" for c in self.status.unmet]
        return "; ".join(unmet + pending) or f"stage {self.status.stage}"

    # -- sequence tasks (NodeTasks) ---------------------------------------------------------------

    async def prepare_layout(self) -> None:
        self.layout.ensure()
        self.layout.pid_file.write_text(f"{os.getpid()}\n")
        log.info("node root %s", self.layout.root)

    async def start_containerd(self) -> None:
        make = self.options.early_service
        service = (
            make(self.layout, self.logs)
            if make is not None
            else ContainerdService(self.layout.containerd, self.logs.get("containerd"))
        )
        self.system.load_and_start(service)
        await self.system.wait(service.id, timeout=CONTAINERD_START_TIMEOUT)

    async def load_config(self) -> None:
        try:
            config = await asyncio.to_thread(self.store.load)
        except ConfigLoadError as err:
            log.error("loading the config from STATE failed: %s", err)
            self.events.publish(ConfigLoadErrorEvent(str(err)))
            self.status.set_unmet("config", str(err))
            config = None
        if config is None:
            config = await api.wait_in_maintenance(self)
        self.status.clear("config")
        await self.configs.activate_config(config)
        await self._config_changed(config, persistent=True, active=False)
        self.status.set_stage(MachineStage.BOOTING)

    async def start_all_services(self) -> None:
        config = self.configs.active
        assert config is not None, "boot without a config"
        self.status.set_unmet("network", "waiting for the hostname and node addresses")
        try:
            identity = await self.names.identity()
        except IdentityUnavailableError as err:
            self.status.set_unmet("network", str(err))
            raise
        self.status.clear("network")
        log.info("node %s, addresses %s", identity.hostname, ", ".join(map(str, identity.addresses)))
        inputs = PlanInputs(
            layout=self.layout,
            logs=self.logs,
            identity=identity,
            make_api_server=lambda: api.machine_api_server(self, Applier(self.configs), identity),
            etcd_client_port=self.options.etcd_client_port,
            etcd_peer_port=self.options.etcd_peer_port,
            control_plane_peers=self._control_plane_peers,
        )
        ids = self.system.load_and_start(*self.options.plan(config.container, inputs))
        if "etcd" in ids:  # not waited for: it may wait for `talosctl bootstrap` (unmet "etcd" meanwhile)
            ids.remove("etcd")
            self._spawn(self._follow_etcd(), "etcd-readiness")
        self.status.set_unmet("services", f"waiting for {', '.join(ids)}")
        try:
            await self.system.wait(*ids, timeout=self.options.boot_timeout)
        except ServiceWaitError as err:
            self.status.set_unmet("services", str(err))
            raise
        self.status.clear("services")

    async def _control_plane_peers(self) -> list[Any]:
        """Addresses of the control planes in ``Members`` (namespace ``cluster``), for etcd's join."""
        from pytalos.machined.resources import cluster

        members = await self.resources.state.list(cluster.NAMESPACE, cluster.MEMBER_TYPE)
        planes = [m.spec for m in members if m.spec.machine_type in ("controlplane", "init")]
        return [ip for spec in planes for ip in spec.addresses]

    async def _follow_etcd(self) -> None:
        """Unmet ``etcd`` while etcd is not up; the first time the node is ready, its config is proven."""
        from pytalos.machined.system.service_runner import StateEvent

        proven = False
        while True:
            changed = self.system.notifier.current
            runner = self.system.runner_for("etcd")
            if runner is not None and runner.in_state(StateEvent.UP):
                self.status.clear("etcd")
                if self.status.ready and not proven:
                    proven = True
                    self.configs.node_running()
            elif runner is not None:
                last = runner.events.get(1)
                self.status.set_unmet("etcd", f"etcd is {runner.state} ({last[-1].message if last else ''})")
            await changed.wait()

    async def stop_all_services(self) -> None:
        if self.maintenance_server is not None:
            await self.maintenance_server.close()
        await self.system.shutdown()

    async def reset_system_disk(self) -> None:
        labels = self._reset_labels
        if "STATE" in labels:
            await asyncio.to_thread(self.store.wipe)
        wiped = await asyncio.to_thread(wipe_volumes, self.layout, labels)
        log.info("reset: wiped %s", ", ".join(wiped) or "no system volume")

    async def reboot(self) -> None:
        log.info("every service stopped: machined starts again from STATE")

    async def shutdown(self) -> None:
        log.info("every service stopped: machined exits")


def config_source_name(store: ConfigStore) -> str:
    return f"state: {store.layout.config}"
