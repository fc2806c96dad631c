"""``talosctl get`` extras: ``-o jsonpath={…}`` and ``-w/--watch`` (COSI ``State.Watch``).

jsonpath (``output/jsonpath.go``): the expression runs over the resource as the json output writes
it (``node``, ``metadata``, ``spec``, plus ``event`` when watching); every result prints on its own
line, maps and lists as 4-space indented JSON, scalars as text. Supported: ``{@}``, ``.key`` steps,
``[n]`` indexes and ``[*]`` wildcards (Kubernetes JSONPath's subset talosctl users write); a missing
key fails with ``error finding result for jsonpath: <key> is not found``.

--watch (``get.go``): every node is watched concurrently; a type is watched with its contents first
(the ``BOOTSTRAPPED`` marker is not printed), an id from its current state. Each event prints at
once: the table gains a leading ``*`` column (``+`` created, ``-`` destroyed, blank updated) and is
flushed per row, yaml adds ``event: created|updated|destroyed`` after ``node:``, json an ``"event"``
key. It runs until interrupted; a node whose watch fails is reported and the others go on.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Callable
from typing import Any

import click
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.gen.v1alpha1 import state_grpc, state_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.cosi_client import Definition, RemoteResource, decode
from pytalos.cli.nodeclient import ClientFactory, CLIError, NodeError, rpc_error_text
from pytalos.cli.resource_output import (
    _scalar,
    go_json,
    jsonpath_value,
    new_writer,
    resource_json_data,
    resource_yaml,
)

EVENT_NAMES = {
    state_pb2.CREATED: "created",
    state_pb2.UPDATED: "updated",
    state_pb2.DESTROYED: "destroyed",
}
_TABLE_LABELS = {"created": "+", "destroyed": "-", "updated": " "}
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\*|-?\d+)\]")


class JSONPathError(ValueError):
    pass


def parse_jsonpath(template: str) -> list[str | int | None]:
    """``{.a.b[0][*]}`` → steps (key, index, ``None`` for ``*``); ``{@}`` → no step."""
    text = template.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise JSONPathError(f"unclosed action in jsonpath {template!r}: use {{.path}}")
    body = text[1:-1].strip()
    if body in ("@", "."):
        return []
    steps: list[str | int | None] = []
    pos = 0
    while pos < len(body):
        match = _STEP.match(body, pos)
        if match is None:
            raise JSONPathError(f"unrecognized character in jsonpath {template!r} at {body[pos:]!r}")
        key, index = match.groups()
        steps.append(key if key is not None else (None if index == "*" else int(str(index))))
        pos = match.end()
    return steps


def find_results(steps: list[str | int | None], data: Any) -> list[Any]:
    values = [data]
    for step in steps:
        out: list[Any] = []
        for value in values:
            if step is None:
                out += list(value.values()) if isinstance(value, dict) else list(value or [])
            elif isinstance(step, int):
                if not isinstance(value, list) or not -len(value) <= step < len(value):
                    raise JSONPathError(f"array index out of bounds: index {step}")
                out.append(value[step])
            else:
                if not isinstance(value, dict) or step not in value:
                    raise JSONPathError(f"{step} is not found")
                out.append(value[step])
        values = out
    return values


def result_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return go_json(value, 4)
    return jsonpath_value("{@}", value)


class JSONPathWriter:
    """``-o jsonpath=…``: see the module docstring."""

    def __init__(self, template: str) -> None:
        try:
            self.steps = parse_jsonpath(template)
        except JSONPathError as err:
            raise CLIError(f"error parsing jsonpath: {err}") from None

    def header(self, definition: Definition) -> None:
        pass

    def resource(self, node: str, res: RemoteResource, event: str = "") -> None:
        data = resource_json_data(node, res)
        if event:
            data["event"] = event
        try:
            results = find_results(self.steps, data)
        except JSONPathError as err:
            raise CLIError(f"error finding result for jsonpath: {err}") from None
        for value in results:
            click.echo(result_text(value))

    def flush(self) -> None:
        pass


def writer_for(output: str) -> Any:
    """``-o``: table, yaml, json or ``jsonpath=<template>``."""
    if output.startswith("jsonpath"):
        _, sep, template = output.partition("=")
        if not sep or not template:
            raise CLIError("jsonpath output requires a template: -o jsonpath='{.spec}'")
        return JSONPathWriter(template)
    return new_writer(output)


class EventPrinter:
    """Prints watch events as they arrive, in the ``-o`` format (see the module docstring)."""

    def __init__(self, output: str, definition: Definition) -> None:
        self.output = output
        self.definition = definition
        self.jsonpath = JSONPathWriter(output.partition("=")[2]) if output.startswith("jsonpath") else None
        if self.jsonpath is None and output not in ("table", "yaml", "json"):
            raise CLIError(f'output format "{output}" is not supported')
        self.need_dashes = False

    def header(self) -> None:
        if self.output == "table":
            columns = [name.upper() for name, _ in self.definition.print_columns]
            click.echo(tabwrite([["*", "NODE", "NAMESPACE", "TYPE", "ID", "VERSION", *columns]]), nl=False)

    def event(self, node: str, event: str, res: RemoteResource) -> None:
        if self.jsonpath is not None:
            self.jsonpath.resource(node, res, event)
        elif self.output == "table":
            extra = [jsonpath_value(path, res.spec) for _, path in self.definition.print_columns]
            row = [
                _TABLE_LABELS[event],
                node,
                res.namespace,
                self.definition.display_type,
                res.id,
                res.version,
            ]
            click.echo(tabwrite([[*row, *extra]]), nl=False)
        elif self.output == "yaml":
            if self.need_dashes:
                click.echo("---")
            self.need_dashes = True
            click.echo(f"node:{_scalar(node)}\nevent: {event}")
            click.echo(resource_yaml(res), nl=False)
        else:
            data = resource_json_data(node, res)
            data["event"] = event
            click.echo(go_json(data))


OnEvent = Callable[[str, str, RemoteResource], None]


async def watch_node(
    factory: ClientFactory, node: str, namespace: str, type: str, resource_id: str, on_event: OnEvent
) -> NodeError | None:
    """Watch one node until the stream ends or fails; events go to ``on_event(node, event, res)``."""
    request = state_pb2.WatchRequest(
        namespace=namespace, type=type, options=state_pb2.WatchOptions(bootstrap_contents=not resource_id)
    )
    if resource_id:
        request.id = resource_id
    stub = state_grpc.StateStub(factory.channel(node))
    try:
        async with stub.Watch.open(metadata=factory.metadata(node)) as stream:
            await stream.send_message(request, end=True)
            async for reply in stream:
                name = EVENT_NAMES.get(reply.event.event_type)
                if name is not None:
                    on_event(node, name, decode(reply.event.resource))
    except (GRPCError, OSError, ssl.SSLError, TimeoutError, StreamTerminatedError) as err:
        return NodeError(node, rpc_error_text(err, factory.dialled(node)))
    return None


async def watch_nodes(
    factory: ClientFactory, namespace: str, type: str, resource_id: str, on_event: OnEvent
) -> list[NodeError]:
    """Every node's watch, concurrently; the nodes' errors once all of them ended."""
    results = await asyncio.gather(
        *(watch_node(factory, n, namespace, type, resource_id, on_event) for n in factory.nodes)
    )
    return [r for r in results if r is not None]
