"""``talosctl reboot``: ask nodes to reboot (``MachineService.Reboot``).

As Talos with ``--wait=false``: the request goes to every node, nothing is printed on success, and a
node that refuses adds ``error executing reboot: <node>: rpc error: …`` (exit 1). ``-m/--mode``
is ``default`` or ``powercycle``. Not implemented yet: ``--wait``/``--debug``/``--timeout`` (following
the reboot through the node's events) and ``--drain``.
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

MODES = {"default": machine_pb2.RebootRequest.DEFAULT, "powercycle": machine_pb2.RebootRequest.POWERCYCLE}


@click.command("reboot")
@click.option(
    "-m",
    "--mode",
    type=click.Choice(list(MODES)),
    default="default",
    show_default=True,
    help='select the reboot mode. Mode "powercycle" bypasses kexec.',
)
@global_options
def cli(mode: str, **flags: Any) -> None:
    """Reboot a node.

    The request is sent and the command returns: waiting for the node to come back (Talos's --wait,
    --debug, --timeout) is not implemented in pytalos yet.
    """
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.RebootRequest(mode=MODES[mode])

    async def reboot(channel: Channel, metadata: dict[str, str]) -> machine_pb2.RebootResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.Reboot(request, timeout=CALL_TIMEOUT, metadata=metadata)

    results = run(factory, fan_out(factory, reboot))
    raise_errors([f"error executing reboot: {r.error}" for r in results if r.error is not None])
