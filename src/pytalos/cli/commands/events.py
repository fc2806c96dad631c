"""``talosctl events [--tail N] [--since ID] [--duration D] [--actor-id ID]``: runtime events of every
node, streamed until interrupted (``MachineService.Events``).

Layout of ``events.go`` (HEAD): header ``NODE ID EVENT ACTOR SOURCE MESSAGE``, then per event two
tab-aligned lines, ``<node> <id> <type URL>`` and ``<actor> <source> <message>`` (Talos's format
string does exactly that), flushed per event. Sources/messages: sequence (``Boot`` / ``START``),
phase, task, service (``etcd`` / ``Running: Health check successful``), machine status (``running`` /
``ready: true, unmet conditions: []``) and config load errors. History: ``--tail`` (-1 all),
``--since`` (after an event id) or ``--duration`` (Go duration, one second resolution).
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    ClientFactory,
    CLIError,
    GlobalArgs,
    global_options,
    insecure_options,
    raise_errors,
    run,
)
from pytalos.machinery.config.codecs import parse_go_duration as go_duration_ns

from ._streaming import stream_nodes

_PAYLOADS: dict[str, Any] = {
    "machine.SequenceEvent": machine_pb2.SequenceEvent,
    "machine.PhaseEvent": machine_pb2.PhaseEvent,
    "machine.TaskEvent": machine_pb2.TaskEvent,
    "machine.ServiceStateEvent": machine_pb2.ServiceStateEvent,
    "machine.ConfigLoadErrorEvent": machine_pb2.ConfigLoadErrorEvent,
    "machine.MachineStatusEvent": machine_pb2.MachineStatusEvent,
}


def parse_go_duration(text: str) -> float:
    """``--duration`` (Go's ``time.ParseDuration``: ``90s``, ``1h30m``, ``1.5h``) → seconds."""
    try:
        return go_duration_ns(text) / 1e9
    except ValueError:
        raise CLIError(
            f'invalid argument "{text}" for "--duration" flag: time: invalid duration "{text}"'
        ) from None


def describe(event: machine_pb2.Event) -> tuple[str, str] | None:
    """(source, message) of an event as talosctl prints it; ``None`` for kinds it does not know."""
    kind = _PAYLOADS.get(event.data.type_url.rpartition("/")[2])
    if kind is None:
        return None
    msg = kind()
    event.data.Unpack(msg)
    if isinstance(msg, machine_pb2.SequenceEvent):
        if msg.HasField("error"):
            return msg.sequence, f"error: {msg.error.message}"
        return msg.sequence, machine_pb2.SequenceEvent.Action.Name(msg.action)
    if isinstance(msg, machine_pb2.PhaseEvent):
        return msg.phase, machine_pb2.PhaseEvent.Action.Name(msg.action)
    if isinstance(msg, machine_pb2.TaskEvent):
        return msg.task, machine_pb2.TaskEvent.Action.Name(msg.action)
    if isinstance(msg, machine_pb2.ServiceStateEvent):
        return msg.service, f"{machine_pb2.ServiceStateEvent.Action.Name(msg.action)}: {msg.message}"
    if isinstance(msg, machine_pb2.ConfigLoadErrorEvent):
        return "error", msg.error
    assert isinstance(msg, machine_pb2.MachineStatusEvent)
    unmet = " ".join(c.name for c in msg.status.unmet_conditions)
    stage = machine_pb2.MachineStatusEvent.MachineStage.Name(msg.stage)
    return stage, f"ready: {'true' if msg.status.ready else 'false'}, unmet conditions: [{unmet}]"


@click.command("events")
@click.option("--tail", type=int, default=0, help="show specified number of past events (-1: full history)")
@click.option("--since", default="", help="show events after the specified event ID")
@click.option("--duration", default="", help="show events for the past duration interval")
@click.option("--actor-id", default="", help="filter events by the specified actor ID")
@insecure_options
@global_options
def cli(
    tail: int,
    since: str,
    duration: str,
    actor_id: str,
    insecure: bool,
    cert_fingerprints: tuple[str, ...],
    **flags: Any,
) -> None:
    """Stream runtime events."""
    seconds = int(parse_go_duration(duration)) if duration else 0
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    request = machine_pb2.EventsRequest(
        tail_events=tail, tail_id=since, tail_seconds=seconds, with_actor_id=actor_id
    )
    pending_header = [["NODE", "ID", "EVENT", "ACTOR", "SOURCE", "MESSAGE"]]

    def show(node: str, event: machine_pb2.Event) -> None:
        described = describe(event)
        if described is None:
            return
        source, message = described
        rows = [*pending_header, [node, event.id, event.data.type_url], [event.actor_id, source, message]]
        pending_header.clear()
        click.echo(tabwrite(rows), nl=False)

    errors = run(factory, stream_nodes(factory, "Events", request, show, follow=True))
    if pending_header:
        click.echo(tabwrite(pending_header), nl=False)
    raise_errors([f"error from node {e.node}: {e.message}" for e in errors])
