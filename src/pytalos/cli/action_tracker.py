"""``--wait``/``--debug``/``--timeout`` of ``talosctl reboot|shutdown|reset``: follow an action to its end.

Talos's ``cmd/talosctl/pkg/talos/action`` (HEAD) in asyncio. For every node, concurrently: the node's
``Events`` stream is opened, then the action is sent (its reply carries an actor id), then the events
are read -- the ones of that actor print as progress lines (``phase: stopEverything action: START``,
``task: …``, ``sequence: …``, ``stage: … ready: … unmetCond: …``, ``service: …``) -- until the
tracker's expected event: ``MachineStatusEvent`` stage RUNNING and ready for a reboot, the
``stopAllServices`` task for shutdown and reset. A lost stream (the node went down) is
reopened every second with the whole history and no actor filter, as Talos does; then the post check
runs, retried until it passes:

* reboot: the node's boot id (``BootIDs.runtime.talos.dev/boot-id``, read before the action) changed,
  and -- stricter than Talos, whose ``BootIDChangedPostCheckFn`` stops there --
  ``MachineStatuses/machine`` says running and ready: the node is back;
* shutdown, reset without ``--reboot``: the node's API stopped answering (``Unavailable``): it is gone;
* reset ``--reboot``: the node answers in maintenance mode (its STATE was wiped), or the reboot check.

For shutdown-like actions a stream lost after the action was accepted also ends the event phase (the
node may stop its API before the ``stopAllServices`` event reaches us). Talos reads the boot id with
``Read /proc/sys/kernel/random/boot_id``; a pytalos node shares the host kernel, so machined
publishes a per-boot id as Talos HEAD's ``BootID`` resource instead (readable by ``os:reader``).

Progress goes to stderr as Talos prints it when stderr is not a terminal (``"<node>": <message>``;
Talos's redrawing terminal view is not reproduced). ``--timeout`` (Go duration, default 30m) bounds
the whole run; a node that did not finish fails with the node, what was awaited and the last state
seen. ``--debug`` also tails each node's ``Dmesg`` and prints it for the nodes that failed.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import ssl
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

import click
from google.protobuf import empty_pb2
from google.protobuf.message import Message
from grpclib.client import Channel
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_grpc, machine_pb2

from .cosi_client import get_resource
from .flags import duration_seconds, go_bool
from .nodeclient import ClientFactory, insecure_context, rpc_error_text, split_host_port

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_TIMEOUT = 30 * 60.0
RETRY_INTERVAL = 1.0
#: one attempt to open the events stream or run a post check (Talos: MinConnectTimeout 20s)
ATTEMPT_TIMEOUT = 20.0
#: how long the first (handshake) event may take before the action is sent anyway
HANDSHAKE_TIMEOUT = 5.0
DEBUG_LINES = 2000

BOOT_ID = ("runtime", "BootIDs.runtime.talos.dev", "boot-id")
MACHINE_STATUS = ("runtime", "MachineStatuses.runtime.talos.dev", "machine")

_TRANSIENT = (OSError, ssl.SSLError, TimeoutError, StreamTerminatedError)
_UNAVAILABLE = {Status.UNAVAILABLE, Status.CANCELLED, Status.DEADLINE_EXCEEDED}


# --- flags -----------------------------------------------------------------------------------------


def go_duration(seconds: float) -> str:
    """Seconds → Go's ``Duration.String()`` for whole seconds (``30m0s``, ``1h0m0s``, ``45s``)."""
    whole = int(seconds)
    if whole != seconds or whole == 0:
        return f"{seconds:g}s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


@dataclass(frozen=True)
class TrackFlags:
    """``trackableActionCmdFlags``: ``--debug`` turns ``--wait`` on."""

    wait: bool = True
    debug: bool = False
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_click(cls, wait: str | bool, debug: bool, timeout: str) -> TrackFlags:
        return cls(wait=go_bool(wait, "'--wait'") or debug, debug=debug, timeout=duration_seconds(timeout))


def track_options(func: F) -> F:
    """``--wait`` (default true; ``--wait=false`` turns it off), ``--debug``, ``--timeout`` (30m)."""
    for decorator in (
        click.option(
            "--timeout",
            default="30m",
            show_default=True,
            help="time to wait for the operation is complete if --debug or --wait is set",
        ),
        click.option(
            "--debug",
            is_flag=True,
            help="debug operation from kernel logs. --wait is set to true when this flag is set",
        ),
        click.option(
            "--wait",
            default="true",
            is_flag=False,
            flag_value="true",
            show_default=True,
            metavar="BOOL",
            help="wait for the operation to complete, tracking its progress. always set to true when "
            "--debug is set",
        ),
    ):
        func = decorator(func)
    return func


# --- events ----------------------------------------------------------------------------------------


def payload_of(event: machine_pb2.Event) -> Message | None:
    """The ``machine.*Event`` inside ``event.data`` (``None`` for kinds this client does not know)."""
    name = event.data.type_url.rpartition("/")[2].rpartition(".")[2]
    kind = getattr(machine_pb2, name, None)
    if kind is None or not name.endswith("Event"):
        return None
    message: Message = kind()
    event.data.Unpack(message)
    return message


def machine_ready(payload: Message | None) -> bool:
    """``action.MachineReadyEventFn``."""
    return (
        isinstance(payload, machine_pb2.MachineStatusEvent)
        and payload.stage == machine_pb2.MachineStatusEvent.RUNNING
        and payload.status.ready
    )


def stop_all_services(payload: Message | None) -> bool:
    """``action.StopAllServicesEventFn``."""
    return isinstance(payload, machine_pb2.TaskEvent) and payload.task == "stopAllServices"


def progress_text(payload: Message) -> str | None:
    """The progress line Talos's ``handleEvent`` prints for an event of the tracked actor."""
    if isinstance(payload, machine_pb2.PhaseEvent):
        return f"phase: {payload.phase} action: {machine_pb2.PhaseEvent.Action.Name(payload.action)}"
    if isinstance(payload, machine_pb2.TaskEvent):
        return f"task: {payload.task} action: {machine_pb2.TaskEvent.Action.Name(payload.action)}"
    if isinstance(payload, machine_pb2.SequenceEvent):
        error = (
            f" error: [code: {common_pb2.Code.Name(payload.error.code)} message: {payload.error.message}]"
            if payload.error.message
            else ""
        )
        action = machine_pb2.SequenceEvent.Action.Name(payload.action)
        return f"sequence: {payload.sequence} action: {action}{error}"
    if isinstance(payload, machine_pb2.MachineStatusEvent):
        unmet = " ".join(c.name for c in payload.status.unmet_conditions)
        stage = machine_pb2.MachineStatusEvent.MachineStage.Name(payload.stage)
        ready = "true" if payload.status.ready else "false"
        return f"stage: {stage} ready: {ready} unmetCond: [{unmet}]"
    if isinstance(payload, machine_pb2.ServiceStateEvent):
        healthy = "true" if payload.health.healthy else "false"
        return f"service: {payload.service} message: {payload.message} healthy: {healthy}"
    return None


# --- the tracker -----------------------------------------------------------------------------------


class NotYet(Exception):
    """A post check that has not passed yet (retried); the message says what it is waiting for."""


class Reconnect(Exception):
    """The event stream should be reopened (the node went away or a sequence ended)."""


class ActionFailed(Exception):
    """A node failed for good; the message is what the tracker reports for it."""


def first_actor_id(reply: Any) -> str:
    """The actor id of an action's reply (``Reboot``/``Shutdown``/``ResetResponse``)."""
    if not reply.messages:
        raise ActionFailed("no messages returned from action run")
    return str(reply.messages[0].actor_id)


def transient(err: BaseException) -> bool:
    """Whether ``err`` means "the node is not reachable right now" (retried, never fatal)."""
    if isinstance(err, GRPCError):
        return err.status in _UNAVAILABLE
    return isinstance(err, _TRANSIENT)


#: the action: one request to one node (channel, metadata) → its actor id
ActionCall = Callable[[Channel, dict[str, str]], Awaitable[str]]
#: a post check: (tracker, node, boot id before the action) → passes or raises NotYet / an RPC error
PostCheck = Callable[["NodeTracker", str], Awaitable[None]]


@dataclass
class Tracker:
    """Runs ``action`` on every node of ``factory`` and follows it (see the module docstring)."""

    factory: ClientFactory
    expected: Callable[[Message | None], bool]
    action: ActionCall
    what: str
    post_check: PostCheck | None = None
    needs_boot_id: bool = False
    #: a stream lost after the action was accepted ends the event phase (shutdown-like actions)
    ends_on_loss: bool = False
    timeout: float = DEFAULT_TIMEOUT
    debug: bool = False
    out: IO[str] = field(default_factory=lambda: sys.stderr)
    retry_interval: float = RETRY_INTERVAL

    def report(self, node: str, message: str) -> None:
        self.out.write(f'"{node}": {message}\n')
        self.out.flush()

    async def run(self) -> list[str]:
        """Track every node; the nodes' failures (empty when every node finished)."""
        trackers = [NodeTracker(self, node) for node in self.factory.nodes]
        results = await asyncio.gather(*(t.run_with_timeout() for t in trackers))
        errors = [r for r in results if r is not None]
        failed = [t for t, r in zip(trackers, results, strict=True) if r is not None and t.dmesg]
        if self.debug and failed:
            nodes = " ".join(f'"{t.node}"' for t in sorted(failed, key=lambda t: t.node))
            self.out.write(f"console logs for nodes [{nodes}]:\n")
            for t in sorted(failed, key=lambda t: t.node):
                self.out.writelines(t.dmesg)
            self.out.flush()
        return errors


class NodeTracker:
    """One node's run: events, action, post check (Talos's ``nodeTracker``)."""

    def __init__(self, tracker: Tracker, node: str) -> None:
        self.tracker = tracker
        self.node = node
        self.last = "not started"
        self.dmesg: collections.deque[str] = collections.deque(maxlen=DEBUG_LINES)
        self._actor: asyncio.Future[str] | None = None
        self._subscribed: asyncio.Event = asyncio.Event()

    # -- plumbing ---------------------------------------------------------------------------------

    def update(self, message: str) -> None:
        self.last = message
        self.tracker.report(self.node, message)

    def channel(self) -> Channel:
        return self.tracker.factory.channel(self.node)

    def metadata(self) -> dict[str, str]:
        return self.tracker.factory.metadata(self.node)

    def error_text(self, err: BaseException) -> str:
        host, port = split_host_port(self.tracker.factory.dialled(self.node))
        return rpc_error_text(err, f"{host}:{port}")

    # -- the run ----------------------------------------------------------------------------------

    async def run_with_timeout(self) -> str | None:
        """The node's failure text, ``None`` when it finished."""
        debug = asyncio.create_task(self._tail_dmesg()) if self.tracker.debug else None
        try:
            await asyncio.wait_for(self.run(), self.tracker.timeout)
        except TimeoutError:
            message = (
                f"{self.node}: timed out after {go_duration(self.tracker.timeout)} waiting for "
                f"{self.tracker.what}; last state: {self.last}"
            )
            self.tracker.report(self.node, message)
            return message
        except ActionFailed as err:
            self.update(f"error: {err}")
            return f"{self.node}: {err}"
        finally:
            if debug is not None:
                debug.cancel()
                await asyncio.gather(debug, return_exceptions=True)
        return None

    async def run(self) -> None:
        self._actor = asyncio.get_running_loop().create_future()
        events = asyncio.create_task(self._track_events())
        try:
            pre_boot_id = ""
            if self.tracker.needs_boot_id:
                try:
                    pre_boot_id = await self.boot_id()
                except (GRPCError, *_TRANSIENT) as err:
                    text = self.error_text(err)
                    raise ActionFailed(f"reading the boot id before the action: {text}") from err
            # the stream is open (or gave up waiting for its first event) before the action runs
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._subscribed.wait(), ATTEMPT_TIMEOUT + HANDSHAKE_TIMEOUT)
            try:
                actor = await self.tracker.action(self.channel(), self.metadata())
            except (GRPCError, *_TRANSIENT) as err:
                raise ActionFailed(self.error_text(err)) from err
            self._actor.set_result(actor)
            await events
        finally:
            if not events.done():
                events.cancel()
                await asyncio.gather(events, return_exceptions=True)
        if self.tracker.post_check is not None:
            await self._post_check_with_retry(pre_boot_id)

    async def _track_events(self) -> None:
        tail = 1  # the newest past event is the handshake: it proves the subscription is in place
        actor = ""
        accepted = False
        while True:
            try:
                await self._watch(tail, actor, handshake=not accepted)
                return
            except ActionFailed:
                raise
            except (Reconnect, GRPCError, *_TRANSIENT) as err:
                if isinstance(err, GRPCError) and not transient(err):
                    self._subscribed.set()
                    raise ActionFailed(self.error_text(err)) from err
                if self._actor is not None and self._actor.done():
                    accepted = True
                if not isinstance(err, Reconnect):
                    self.update("unavailable, retrying...")
                if accepted and self.tracker.ends_on_loss:
                    return
                if accepted:
                    tail, actor = -1, ""
                self._subscribed.set()
                await asyncio.sleep(self.tracker.retry_interval)

    async def _watch(self, tail: int, actor: str, handshake: bool) -> None:
        stub = machine_grpc.MachineServiceStub(self.channel())
        request = machine_pb2.EventsRequest(tail_events=tail)
        async with stub.Events.open(metadata=self.metadata()) as stream:
            await asyncio.wait_for(stream.send_message(request, end=True), ATTEMPT_TIMEOUT)
            if handshake:
                # no history to replay: go on (an event sent before we listen may then be missed)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stream.recv_message(), HANDSHAKE_TIMEOUT)
                self._subscribed.set()
                self.update("waiting for actor ID")
                assert self._actor is not None
                actor = await self._actor
                self.update(f"actor ID: {actor}")
            while True:
                event = await stream.recv_message()
                if event is None:
                    raise Reconnect("the event stream ended")
                payload = payload_of(event)
                if self.tracker.expected(payload):
                    self.update("events check condition met")
                    await stream.cancel()  # else leaving the block waits for the stream's end
                    return
                if payload is not None and event.actor_id == actor:
                    self._show(payload)

    def _show(self, payload: Message) -> None:
        text = progress_text(payload)
        if text is not None:
            self.update(text)
        if isinstance(payload, machine_pb2.TaskEvent) and payload.task == "stopAllServices":
            raise Reconnect("stopAllServices task completed")
        if isinstance(payload, machine_pb2.SequenceEvent):
            if payload.sequence == "reboot":
                raise Reconnect("reboot sequence completed")
            if payload.error.message:
                raise ActionFailed(f"sequence error: {payload.error.message}")

    async def _post_check_with_retry(self, pre_boot_id: str) -> None:
        check = self.tracker.post_check
        assert check is not None
        while True:
            try:
                await asyncio.wait_for(check(self, pre_boot_id), ATTEMPT_TIMEOUT)
            except NotYet as err:
                self.update(f"post check: {err}")
            except (GRPCError, *_TRANSIENT) as err:
                if isinstance(err, GRPCError) and not transient(err):
                    raise ActionFailed(f"post check: {self.error_text(err)}") from err
                self.update("unavailable, retrying...")
            else:
                self.update("post check passed")
                return
            await asyncio.sleep(self.tracker.retry_interval)

    async def _tail_dmesg(self) -> None:
        while True:
            try:
                stub = machine_grpc.MachineServiceStub(self.channel())
                request = machine_pb2.DmesgRequest(follow=True, tail=True)
                async with stub.Dmesg.open(metadata=self.metadata()) as stream:
                    await stream.send_message(request, end=True)
                    async for data in stream:
                        for line in data.bytes.decode(errors="replace").splitlines():
                            self.dmesg.append(f"{self.node}: {line}\n")
            except (GRPCError, *_TRANSIENT):
                pass
            await asyncio.sleep(self.tracker.retry_interval)

    # -- what the post checks read ----------------------------------------------------------------

    async def boot_id(self) -> str:
        res = await get_resource(self.channel(), self.metadata(), *BOOT_ID)
        spec = res.spec if isinstance(res.spec, dict) else {}
        return str(spec.get("bootID", ""))


# --- post checks -----------------------------------------------------------------------------------


async def node_back(node: NodeTracker, pre_boot_id: str) -> None:
    """Reboot: a new boot id, and the machine running and ready (see the module docstring)."""
    if await node.boot_id() == pre_boot_id:
        raise NotYet("didn't reboot yet")
    res = await get_resource(node.channel(), node.metadata(), *MACHINE_STATUS)
    spec = res.spec if isinstance(res.spec, dict) else {}
    status = spec.get("status") or {}
    if spec.get("stage") != "running" or not status.get("ready"):
        unmet = ", ".join(str(c.get("name", "")) for c in status.get("unmetConditions") or ())
        raise NotYet(f"rebooted, stage {spec.get('stage')} ready {bool(status.get('ready'))} [{unmet}]")


async def node_gone(node: NodeTracker, pre_boot_id: str) -> None:
    """Shutdown: the node's API no longer answers."""
    stub = machine_grpc.MachineServiceStub(node.channel())
    try:
        await stub.Version(empty_pb2.Empty(), timeout=ATTEMPT_TIMEOUT / 2, metadata=node.metadata())
    except (GRPCError, *_TRANSIENT) as err:
        if transient(err):
            return
        raise
    raise NotYet("the node still answers")


async def maintenance_or_back(node: NodeTracker, pre_boot_id: str) -> None:
    """Reset with reboot: the node answers in maintenance mode, or it came back configured."""
    host, port = split_host_port(node.node)
    channel = Channel(host, port, ssl=insecure_context())
    try:
        await machine_grpc.MachineServiceStub(channel).Version(empty_pb2.Empty(), timeout=ATTEMPT_TIMEOUT / 2)
    except GRPCError as err:
        if err.status == Status.UNIMPLEMENTED and "maintenance" in (err.message or ""):
            return
    except _TRANSIENT:
        pass
    finally:
        channel.close()
    await node_back(node, pre_boot_id)


__all__ = [
    "ActionFailed",
    "NodeTracker",
    "NotYet",
    "TrackFlags",
    "Tracker",
    "first_actor_id",
    "go_duration",
    "machine_ready",
    "maintenance_or_back",
    "node_back",
    "node_gone",
    "payload_of",
    "progress_text",
    "stop_all_services",
    "track_options",
]
