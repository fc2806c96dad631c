"""``talosctl shutdown [--force]``: ask nodes to shut down (``MachineService.Shutdown``).

By default (``--wait``, as Talos HEAD) the shutdown is followed on every node
(:mod:`pytalos.cli.action_tracker`): progress on stderr until the node stops all its services and its
API no longer answers; ``--timeout`` (30m) fails naming the node and its last state; ``--debug`` also
collects the nodes' kernel logs. With ``--wait=false`` the request goes to every node, nothing is
printed on success, and a node that refuses adds ``error executing shutdown: <node>: rpc error: …``
(exit 1). ``--force`` is Talos's "no cordon/drain first" (sent as ``ShutdownRequest.force``). The
node stops its services in reverse dependency order and machined exits.
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
    node_gone,
    stop_all_services,
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


@click.command("shutdown")
@click.option("--force", is_flag=True, help="if true, force a node to shutdown without a cordon/drain")
@track_options
@global_options
def cli(force: bool, wait: str, debug: bool, timeout: str, **flags: Any) -> None:
    """Shutdown a node."""
    track = TrackFlags.from_click(wait, debug, timeout)
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = machine_pb2.ShutdownRequest(force=force)

    if track.wait:

        async def action(channel: Channel, metadata: dict[str, str]) -> str:
            stub = machine_grpc.MachineServiceStub(channel)
            return first_actor_id(await stub.Shutdown(request, timeout=CALL_TIMEOUT, metadata=metadata))

        tracker = Tracker(
            factory,
            stop_all_services,
            action,
            "the node to shut down",
            post_check=node_gone,
            ends_on_loss=True,
            timeout=track.timeout,
            debug=track.debug,
        )
        raise_errors(run(factory, tracker.run()))
        return

    async def shutdown(channel: Channel, metadata: dict[str, str]) -> machine_pb2.ShutdownResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.Shutdown(request, timeout=CALL_TIMEOUT, metadata=metadata)

    results = run(factory, fan_out(factory, shutdown))
    raise_errors([f"error executing shutdown: {r.error}" for r in results if r.error is not None])
