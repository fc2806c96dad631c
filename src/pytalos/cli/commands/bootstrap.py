"""``talosctl bootstrap``: one control plane bootstraps the etcd cluster (Talos's ``talos/bootstrap.go``).

Exactly one node (``command "bootstrap" requires exactly one node (got N)``). Without flags it sends
``Bootstrap{}``; the node stops its join loop and starts etcd as a new single-member cluster. With
``--recover-from FILE`` it first prints the snapshot's status (``recovering from snapshot "FILE": hash
…, revision …, total keys …, total size …``, read with ``etcdctl snapshot status``; skipped with
``--recover-skip-hash-check``, as Talos, and when etcdctl is absent), uploads the file with the
``EtcdRecover`` stream, then sends ``Bootstrap{recover_etcd: true, recover_skip_hash_check}``. Failures
read ``error uploading snapshot: …`` / ``error executing bootstrap: rpc error: code = … desc = …``.
"""

from __future__ import annotations

import ssl
from typing import Any

import click
from grpclib.exceptions import GRPCError, StreamTerminatedError

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.machine import machine_grpc, machine_pb2
from pytalos.cli.nodeclient import (
    CALL_TIMEOUT,
    ClientFactory,
    CLIError,
    GlobalArgs,
    global_options,
    rpc_error_text,
    run,
)

from .etcd import snapshot_status

#: upload chunk size (grpclib's default message limit is 4 MiB)
CHUNK = 256 * 1024
UPLOAD_TIMEOUT = 600.0


async def _upload(factory: ClientFactory, node: str, path: str) -> None:
    stub = machine_grpc.MachineServiceStub(factory.channel(node))
    with open(path, "rb") as fh:
        async with stub.EtcdRecover.open(metadata=factory.metadata(node), timeout=UPLOAD_TIMEOUT) as stream:
            while chunk := fh.read(CHUNK):
                await stream.send_message(common_pb2.Data(bytes=chunk))
            await stream.end()
            await stream.recv_message()


async def _bootstrap(factory: ClientFactory, node: str, recover_from: str, skip_hash_check: bool) -> None:
    errors = (GRPCError, OSError, ssl.SSLError, TimeoutError, StreamTerminatedError)
    if recover_from:
        try:
            await _upload(factory, node, recover_from)
        except errors as err:
            raise CLIError(
                f"error uploading snapshot: {rpc_error_text(err, factory.dialled(node))}"
            ) from None
    request = machine_pb2.BootstrapRequest(
        recover_etcd=bool(recover_from), recover_skip_hash_check=skip_hash_check
    )
    stub = machine_grpc.MachineServiceStub(factory.channel(node))
    try:
        await stub.Bootstrap(request, timeout=CALL_TIMEOUT, metadata=factory.metadata(node))
    except errors as err:
        raise CLIError(f"error executing bootstrap: {rpc_error_text(err, factory.dialled(node))}") from None


@click.command("bootstrap")
@click.option("--recover-from", default="", help="recover etcd cluster from the snapshot")
@click.option(
    "--recover-skip-hash-check",
    is_flag=True,
    help="skip integrity check when recovering etcd (use when recovering from data directory copy)",
)
@global_options
def cli(recover_from: str, recover_skip_hash_check: bool, **flags: Any) -> None:
    """Bootstrap the etcd cluster on the specified node.

    When Talos cluster is created etcd service on control plane nodes enter the join loop waiting to
    join etcd peers from other control plane nodes. One node should be picked as the bootstrap node.
    When bootstrap command is issued, the node aborts join process and bootstraps etcd cluster as a
    single node cluster. Other control plane nodes will join etcd cluster once the bootstrap node runs.

    This command should not be used when "init" type node are used.

    Talos etcd cluster can be recovered from a known snapshot with '--recover-from=' flag.
    """
    factory = ClientFactory.build(GlobalArgs.from_click(flags))
    node = factory.require_single_node("bootstrap")
    if recover_from:
        try:
            open(recover_from, "rb").close()
        except OSError as err:
            raise CLIError(f"error opening snapshot file: {err}") from None
        if not recover_skip_hash_check:
            status = snapshot_status(recover_from)
            if status is not None:
                click.echo(
                    f'recovering from snapshot "{recover_from}": hash {int(status["hash"]):08x}, '
                    f"revision {status['revision']}, total keys {status['totalKey']}, "
                    f"total size {status['totalSize']}"
                )
    run(factory, _bootstrap(factory, node, recover_from, recover_skip_hash_check))
