"""``talosctl reset``: wipe a node's system volumes and reboot or power it off (``MachineService.Reset``).

Flags as Talos's (``cmd/talosctl/cmd/talos/reset.go``): ``--graceful`` (default true: leave etcd
first), ``--reboot`` (else the node shuts down), ``--system-labels-to-wipe STATE,EPHEMERAL`` (only
those volumes; each becomes a ``ResetPartitionSpec{label, wipe: true}``), ``--user-disks-to-wipe``
and ``--wipe-mode all|system-disk|user-disks``. As with ``--wait=false``: nothing is printed on
success; a node that refuses adds ``error executing reset: <node>: rpc error: …`` (exit 1). A node
whose STATE is wiped comes back (with ``--reboot``) in maintenance mode. By default (``--wait``, as
Talos HEAD) the reset is followed on every node (:mod:`pytalos.cli.action_tracker`) until the node
stopped its services and then is gone (no ``--reboot``), or answers again -- in maintenance mode, or
configured with a new boot id (``--reboot``); ``--timeout`` (30m) fails naming the node and its last
state; ``--debug`` also collects the nodes' kernel logs.
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
    maintenance_or_back,
    node_gone,
    stop_all_services,
    track_options,
)
from pytalos.cli.flags import split_values
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    GlobalArgs,
    fan_out,
    global_options,
    raise_errors,
    run,
)

WIPE_MODES = {
    "all": machine_pb2.ResetRequest.ALL,
    "system-disk": machine_pb2.ResetRequest.SYSTEM_DISK,
    "user-disks": machine_pb2.ResetRequest.USER_DISKS,
}


def reset_request(
    graceful: bool, reboot: bool, labels: list[str], user_disks: list[str], mode: str
) -> machine_pb2.ResetRequest:
    return machine_pb2.ResetRequest(
        graceful=graceful,
        reboot=reboot,
        system_partitions_to_wipe=[
            machine_pb2.ResetPartitionSpec(label=label, wipe=True) for label in labels
        ],
        user_disks_to_wipe=user_disks,
        mode=WIPE_MODES[mode],
    )


@click.command("reset")
@click.option(
    "--graceful",
    type=bool,
    default=True,
    show_default=True,
    help="if true, attempt to cordon/drain node and leave etcd (if applicable)",
)
@click.option(
    "--reboot", is_flag=True, help="if true, reboot the node after resetting instead of shutting down"
)
@click.option(
    "--system-labels-to-wipe",
    "labels",
    multiple=True,
    metavar="LABELS",
    help="if set, just wipe selected system disk partitions by label but keep other partitions intact",
)
@click.option(
    "--user-disks-to-wipe", "user_disks", multiple=True, help="if set, wipes defined devices in the list"
)
@click.option("--wipe-mode", type=click.Choice(list(WIPE_MODES)), default="all", show_default=True)
@track_options
@global_options
def cli(
    graceful: bool,
    reboot: bool,
    labels: tuple[str, ...],
    user_disks: tuple[str, ...],
    wipe_mode: str,
    wait: str,
    debug: bool,
    timeout: str,
    **flags: Any,
) -> None:
    """Reset a node."""
    track = TrackFlags.from_click(wait, debug, timeout)
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    request = reset_request(graceful, reboot, split_values(labels), split_values(user_disks), wipe_mode)

    if track.wait:

        async def action(channel: Channel, metadata: dict[str, str]) -> str:
            stub = machine_grpc.MachineServiceStub(channel)
            return first_actor_id(await stub.Reset(request, timeout=CALL_TIMEOUT, metadata=metadata))

        tracker = Tracker(
            factory,
            stop_all_services,
            action,
            "the node to come back after the reset" if reboot else "the node to shut down after the reset",
            post_check=maintenance_or_back if reboot else node_gone,
            needs_boot_id=reboot,
            ends_on_loss=True,
            timeout=track.timeout,
            debug=track.debug,
        )
        raise_errors(run(factory, tracker.run()))
        return

    async def reset(channel: Channel, metadata: dict[str, str]) -> machine_pb2.ResetResponse:
        stub = machine_grpc.MachineServiceStub(channel)
        return await stub.Reset(request, timeout=CALL_TIMEOUT, metadata=metadata)

    results = run(factory, fan_out(factory, reset))
    raise_errors([f"error executing reset: {r.error}" for r in results if r.error is not None])
