"""``talosctl netstat`` (alias ``ss``): sockets of every node's network namespace
(``MachineService.Netstat``).

Flags as ``netstat.go``: ``-a`` all sockets, ``-l`` listening only (default: connected); ``-t``,
``-u``, ``-w``, ``-U`` choose TCP, UDP, RAW, UDPLite (default TCP and UDP), ``-4``/``-6`` one family,
``-v`` every protocol; ``-x`` adds ``Uid Inode``, ``-p`` ``PID/Program name``, ``-o`` ``Timer``.
Columns: ``NODE Proto Recv-Q Send-Q Local Address Foreign Address State`` then the extra ones.
"""

from __future__ import annotations

from typing import Any

import click

from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    ClientFactory,
    GlobalArgs,
    global_options,
    insecure_options,
    raise_errors,
    run,
)

from ._streaming import unary_nodes


def address(ip: str, port: int) -> str:
    host = f"[{ip}]" if ":" in ip else ip
    return f"{host}:{port if port else '*'}"


def l4proto(
    tcp: bool, udp: bool, raw: bool, udplite: bool, v4: bool, v6: bool
) -> machine_pb2.NetstatRequest.L4proto:
    if not (tcp or udp or raw or udplite):
        tcp = udp = True
    both = v4 == v6
    chosen: dict[str, bool] = {}
    for name, on in (("tcp", tcp), ("udp", udp), ("raw", raw), ("udplite", udplite)):
        chosen[name] = on and (both or v4)
        chosen[name + "6"] = on and (both or v6)
    return machine_pb2.NetstatRequest.L4proto(**chosen)


def record_row(node: str, r: Any, extend: bool, programs: bool, timers: bool) -> list[str]:
    state = machine_pb2.ConnectRecord.State.Name(r.state)
    row = [
        node,
        r.l4proto,
        str(r.rxqueue),
        str(r.txqueue),
        address(r.localip, r.localport),
        address(r.remoteip, r.remoteport),
        state if r.l4proto.startswith("tcp") else "",
    ]
    if extend:
        row += [str(r.uid), str(r.inode)]
    if programs:
        row.append(f"{r.process.pid}/{r.process.name}" if r.process.pid else "-")
    if timers:
        timer = machine_pb2.ConnectRecord.TimerActive.Name(r.tr).lower()
        row.append(f"{timer} ({r.timerwhen / 100:.2f}/{r.retrnsmt}/{r.timeout})")
    return row


@click.command("netstat")
@click.option("-a", "--all", "all_", is_flag=True, help="display all sockets states (default: connected)")
@click.option("-x", "--extend", is_flag=True, help="show detailed socket information")
@click.option("-4", "--ipv4", is_flag=True, help="display only ipv4 sockets")
@click.option("-6", "--ipv6", is_flag=True, help="display only ipv6 sockets")
@click.option("-l", "--listening", is_flag=True, help="display listening server sockets")
@click.option("-p", "--programs", is_flag=True, help="show process using socket")
@click.option("-w", "--raw", is_flag=True, help="display only RAW sockets")
@click.option("-t", "--tcp", is_flag=True, help="display only TCP sockets")
@click.option("-o", "--timers", is_flag=True, help="display timers")
@click.option("-u", "--udp", is_flag=True, help="display only UDP sockets")
@click.option("-U", "--udplite", is_flag=True, help="display only UDPLite sockets")
@click.option("-v", "--verbose", is_flag=True, help="display sockets of all supported transport protocols")
@insecure_options
@global_options
def cli(
    all_: bool,
    extend: bool,
    ipv4: bool,
    ipv6: bool,
    listening: bool,
    programs: bool,
    raw: bool,
    tcp: bool,
    timers: bool,
    udp: bool,
    udplite: bool,
    verbose: bool,
    insecure: bool,
    cert_fingerprints: tuple[str, ...],
    **flags: Any,
) -> None:
    """Show network connections and sockets."""
    if verbose:
        tcp = udp = raw = udplite = True
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)
    if all_:
        which = machine_pb2.NetstatRequest.ALL
    elif listening:
        which = machine_pb2.NetstatRequest.LISTENING
    else:
        which = machine_pb2.NetstatRequest.CONNECTED
    request = machine_pb2.NetstatRequest(
        filter=which,
        feature=machine_pb2.NetstatRequest.Feature(pid=programs),
        l4proto=l4proto(tcp, udp, raw, udplite, ipv4, ipv6),
    )
    results = run(factory, unary_nodes(factory, "Netstat", request))
    header = ["NODE", "Proto", "Recv-Q", "Send-Q", "Local Address", "Foreign Address", "State"]
    header += ["Uid", "Inode"] if extend else []
    header += ["PID/Program name"] if programs else []
    header += ["Timer"] if timers else []
    rows = [header]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error getting netstat: {result.error}")
            continue
        assert result.payload is not None
        for message in result.payload.messages:
            rows += [record_row(result.node, r, extend, programs, timers) for r in message.connectrecord]
    click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)
