"""``talosctl time [--check SERVER]``: every node's clock and its NTP server's (``time.TimeService``).

As ``time.go``: ``NODE NTP-SERVER NODE-TIME NTP-SERVER-TIME`` with Go's ``time.Time.String()``
layout (``2006-01-02 15:04:05.999999999 +0000 UTC``); ``--check`` asks that server instead of the
node's configured one (``TimeCheck``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from google.protobuf import empty_pb2
from grpclib.client import Channel

from pytalos.api.gen.time import time_grpc, time_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    GlobalArgs,
    fan_out,
    global_options,
    insecure_options,
    raise_errors,
    run,
)


def go_time_string(ts: Any) -> str:
    """Go's ``Time.String()`` of a protobuf timestamp, in UTC."""
    base = datetime.fromtimestamp(ts.seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")
    fraction = f"{ts.nanos:09d}".rstrip("0")
    return f"{base}{'.' + fraction if fraction else ''} +0000 UTC"


@click.command("time")
@click.option("--check", default="", help="checks server time against specified ntp server")
@insecure_options
@global_options
def cli(check: str, insecure: bool, cert_fingerprints: tuple[str, ...], **flags: Any) -> None:
    """Gets current server time."""
    factory = ClientFactory.build(GlobalArgs.from_click(flags), insecure, cert_fingerprints)

    async def call(channel: Channel, metadata: dict[str, str]) -> time_pb2.TimeResponse:
        stub = time_grpc.TimeServiceStub(channel)
        if check:
            request = time_pb2.TimeRequest(server=check)
            return await stub.TimeCheck(request, timeout=CALL_TIMEOUT, metadata=metadata)
        return await stub.Time(empty_pb2.Empty(), timeout=CALL_TIMEOUT, metadata=metadata)

    results = run(factory, fan_out(factory, call))
    rows = [["NODE", "NTP-SERVER", "NODE-TIME", "NTP-SERVER-TIME"]]
    errors = []
    for result in results:
        if result.error is not None:
            errors.append(f"error fetching time: {result.error}")
            continue
        assert result.payload is not None
        for m in result.payload.messages:
            rows.append([result.node, m.server, go_time_string(m.localtime), go_time_string(m.remotetime)])
    click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)
