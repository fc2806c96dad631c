"""``talosctl reboot``: ask nodes to reboot (``MachineService.Reboot``).

By default (``--wait``, as Talos HEAD) the reboot is followed on every node until the node is back:
:mod:`pytalos.cli.action_tracker` prints the progress on stderr and returns once the node's boot id
changed and it is running and ready again, or fails naming the node and its last state after
``--timeout`` (30m). ``--debug`` also collects the nodes' kernel logs. With ``--wait=false`` the
request goes to every node, nothing is printed on success, and a node that refuses adds
``error executing reboot: <node>: rpc error: …`` (exit 1). ``-m/--mode`` is ``default`` or
``powercycle``. Not implemented: ``--drain`` (no kubelet runs here) and ``--progress``.
"""

from __future__ import annotations

from typing import Any

import click
from grpclib.client import Channel

from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.action_tracker import (
    Tracker,
    TrackFlags,
    first_actor_id,
    machine_ready,
    node_back,
    track_options,
)
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
@track_options
@global_options
def cli(mode: str, wait: str, debug: bool, timeout: str, **flags: Any) -> None:
    """Reboot a node."""
    track = TrackFlags.from_click(wait, debug, timeout)
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.RebootRequest(mode=MODES[mode])

    if track.wait:

        async def action(channel: Channel, metadata: dict[str, str]) -> str:
            stub = machine_grpc.MachineServiceStub(channel)
            return first_actor_id(await stub.Reboot(request, timeout=CALL_TIMEOUT, metadata=metadata))

        tracker = Tracker(
            factory,
            machine_ready,
            action,
            "the node to come back",
            post_check=node_back,
            needs_boot_id=True,
            timeout=track.timeout,
            debug=track.debug,
        )
        raise_errors(run(factory, tracker.run()))
        return

    async def reboot(channel: Channel, metadata: dict[str, str]) -> machine_pb2.RebootResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.Reboot(request, timeout=CALL_TIMEOUT, metadata=metadata)

    results = run(factory, fan_out(factory, reboot))
    raise_errors([f"error executing reboot: {r.error}" for r in results if r.error is not None])
