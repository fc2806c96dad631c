"""``talosctl config new [path] --roles … --crt-ttl …``: a talosconfig issued by a node.

As ``cmd/talosctl/cmd/talos/config.go`` (``configNewCmd``): exactly one node (``command
"talosconfig" is not supported with multiple nodes`` otherwise) is asked for a client configuration
(``MachineService.GenerateClientConfiguration``: an ``os:admin`` call, served by control planes) with
the given roles (unknown ones are refused here first: ``unknown roles: …``) and certificate TTL (a Go
duration, default ``8760h0m0s``); the talosconfig it returns is written to ``path`` (default
``talosconfig``, mode 0600), which must not exist yet (``<path> already exists``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from google.protobuf.duration_pb2 import Duration
from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.flags import duration_seconds, split_values
from pytalos.cli.nodeclient import CALL_TIMEOUT, ClientFactory, CLIError, GlobalArgs, call_node, run
from pytalos.machinery import role
from pytalos.machinery.client.config import write_file_atomic


def new_client_config(path: str, roles: Sequence[str], crt_ttl: str, flags: dict[str, Any]) -> None:
    try:
        parsed = role.parse(split_values(roles), strict=True)
    except role.UnknownRolesError as exc:
        raise CLIError(str(exc)) from None
    duration = Duration()
    duration.FromNanoseconds(int(duration_seconds(crt_ttl, "--crt-ttl") * 1e9))
    request = machine_pb2.GenerateClientConfigurationRequest(roles=parsed.strings(), crt_ttl=duration)
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    if len(factory.nodes) != 1:
        raise CLIError('command "talosconfig" is not supported with multiple nodes')

    async def generate(
        channel: Channel, metadata: dict[str, str]
    ) -> machine_pb2.GenerateClientConfigurationResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.GenerateClientConfiguration(request, timeout=CALL_TIMEOUT, metadata=metadata)

    result = run(factory, call_node(factory, factory.nodes[0], generate))
    if result.error is not None:
        raise CLIError(f"error generating client configuration: {result.error}")
    assert result.payload is not None
    if len(result.payload.messages) != 1:
        raise CLIError(f"expected one reply from the node, got {len(result.payload.messages)}")
    if os.path.exists(path):
        raise CLIError(f"{path} already exists")
    write_file_atomic(path, result.payload.messages[0].talosconfig, 0o600)
