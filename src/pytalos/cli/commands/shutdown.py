"""``talosctl shutdown [--force]``: ask nodes to shut down (``MachineService.Shutdown``).

As Talos with ``--wait=false``: the request goes to every node, nothing is printed on success, and a
node that refuses adds ``error executing shutdown: <node>: rpc error: …`` (exit 1). ``--force`` is
Talos's "no cordon/drain first" (sent as ``ShutdownRequest.force``). The node stops its services in
reverse dependency order and machined exits. Not implemented yet: ``--wait``/``--debug``/``--timeout``
(following the shutdown through the node's events).
"""

from __future__ import annotations

from typing import Any

import click
from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    GlobalArgs,
    fan_out,
    global_options,
    raise_errors,
    run,
)


@click.command("shutdown")
@click.option("--force", is_flag=True, help="if true, force a node to shutdown without a cordon/drain")
@global_options
def cli(force: bool, **flags: Any) -> None:
    """Shutdown a node.

    The request is sent and the command returns: waiting for the node to stop (Talos's --wait,
    --debug, --timeout) is not implemented in pytalos yet.
    """
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.ShutdownRequest(force=force)

    async def shutdown(channel: Channel, metadata: dict[str, str]) -> machine_pb2.ShutdownResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.Shutdown(request, timeout=CALL_TIMEOUT, metadata=metadata)

    results = run(factory, fan_out(factory, shutdown))
    raise_errors([f"error executing shutdown: {r.error}" for r in results if r.error is not None])
