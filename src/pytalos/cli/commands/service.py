"""``talosctl service [<id> [start|stop|restart|status]]`` (alias ``services``).

As ``cmd/talosctl/cmd/talos/service.go``: without arguments a table ``NODE SERVICE STATE HEALTH LAST
CHANGE LAST EVENT`` of every node's services (``MachineService.ServiceList``); with an id the ``status``
view of that service (``NODE``, ``ID``, ``STATE``, ``HEALTH``, ``LAST HEALTH MESSAGE``, then the events,
newest first); ``start``/``stop``/``restart`` call ``ServiceStart``/``ServiceStop``/``ServiceRestart``
and print ``NODE RESPONSE`` (``Service "kubelet" restarted``); only services that allow it can be
controlled, others answer Talos's ``service "etcd" doesn't support restart operation via API``.
Health is ``OK``, ``Fail`` or ``?`` (unknown); ages are Go durations.
"""

from __future__ import annotations

import time
from typing import Any

import click
from google.protobuf import empty_pb2
from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    CLIError,
    GlobalArgs,
    NodeResult,
    fan_out,
    global_options,
    insecure_options,
    raise_errors,
    run,
)


def go_duration(seconds: float) -> str:
    """``time.Duration.Round(time.Second).String()``: ``0s``, ``42s``, ``3m5s``, ``2h0m1s``."""
    total = int(max(seconds, 0.0) + 0.5)  # Go rounds halves away from zero
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


def health_status(service: machine_pb2.ServiceInfo) -> str:
    if service.health.unknown:
        return "?"
    return "OK" if service.health.healthy else "Fail"


def _age(event: machine_pb2.ServiceEvent, now: float) -> str:
    return go_duration(now - event.ts.ToNanoseconds() / 1e9)


def service_rows(node: str, services: list[machine_pb2.ServiceInfo], now: float) -> list[list[str]]:
    rows = []
    for svc in services:
        events = svc.events.events
        last_change = _age(events[-1], now) if events else ""
        last_event = events[-1].msg if events else "<none>"
        rows.append([node, svc.id, svc.state, health_status(svc), f"{last_change} ago", last_event])
    return rows


def service_info_rows(node: str, svc: machine_pb2.ServiceInfo, now: float) -> list[list[str]]:
    rows = [["NODE", node], ["ID", svc.id], ["STATE", svc.state], ["HEALTH", health_status(svc)]]
    if svc.health.last_message:
        rows.append(["LAST HEALTH MESSAGE", svc.health.last_message])
    label = "EVENTS"
    for event in reversed(svc.events.events):
        rows.append([label, f"[{event.state}]: {event.msg} ({_age(event, now)} ago)"])
        label = ""
    return rows


async def _list(channel: Channel, metadata: dict[str, str]) -> machine_pb2.ServiceListResponse:
    stub = machine_grpc.MachineServiceStub(channel)
    return await stub.ServiceList(empty_pb2.Empty(), timeout=CALL_TIMEOUT, metadata=metadata)


def _services(result: NodeResult[machine_pb2.ServiceListResponse]) -> list[machine_pb2.ServiceInfo]:
    assert result.payload is not None
    return [s for m in result.payload.messages for s in m.services]


def _list_all(factory: ClientFactory) -> None:
    results = run(factory, fan_out(factory, _list))
    now = time.time()
    rows = [["NODE", "SERVICE", "STATE", "HEALTH", "LAST CHANGE", "LAST EVENT"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error listing services: {result.error}")
            continue
        rows += service_rows(result.node, _services(result), now)
    click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)


def _status(factory: ClientFactory, service_id: str) -> None:
    results = run(factory, fan_out(factory, _list))
    now = time.time()
    rows: list[list[str]] = []
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error listing services: {result.error}")
            continue
        for svc in _services(result):
            if svc.id == service_id:
                rows += service_info_rows(result.node, svc, now)
    if rows:
        click.echo(tabwrite(rows), nl=False)
    if not rows and not errors:
        errors.append(f'service "{service_id}" is not registered on any nodes')
    raise_errors(errors)


_ACTIONS = {
    "start": ("ServiceStart", machine_pb2.ServiceStartRequest, "error starting service"),
    "stop": ("ServiceStop", machine_pb2.ServiceStopRequest, "error stopping service"),
    "restart": ("ServiceRestart", machine_pb2.ServiceRestartRequest, "error restarting service"),
}


def _control(factory: ClientFactory, service_id: str, action: str) -> None:
    method, request_type, failure = _ACTIONS[action]

    async def call(channel: Channel, metadata: dict[str, str]) -> Any:
        stub = machine_grpc.MachineServiceStub(channel)
        return await getattr(stub, method)(
            request_type(id=service_id), timeout=CALL_TIMEOUT, metadata=metadata
        )

    results = run(factory, fan_out(factory, call))
    rows = [["NODE", "RESPONSE"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"{failure}: {result.error}")
            continue
        assert result.payload is not None
        rows += [[result.node, m.resp] for m in result.payload.messages]
    if len(rows) > 1:
        click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)


@click.command("service")
@click.argument("args", nargs=-1)
@insecure_options
@global_options
def cli(args: tuple[str, ...], insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Retrieve the state of a service (or all services), control service state.

    Without arguments, lists all the services and their state. With a service ID, the default action
    'status' shows that service; 'start', 'stop' and 'restart' change its state.
    """
    if len(args) > 2:
        raise CLIError(f"accepts at most 2 arg(s), received {len(args)}")
    service_id = args[0] if args else ""
    action = args[1] if len(args) == 2 else "status"
    if action != "status" and action not in _ACTIONS:
        raise CLIError(f'unsupported service action: "{action}"')
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    if action == "status":
        if service_id:
            _status(factory, service_id)
        else:
            _list_all(factory)
    else:
        _control(factory, service_id, action)
