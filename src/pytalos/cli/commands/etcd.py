"""``talosctl etcd members|status|snapshot|alarm list|alarm disarm|defrag|leave|forfeit-leadership|
remove-member``: the etcd member of control-plane nodes (``cmd/talosctl/cmd/talos/etcd.go``).

Output is Talos's: ``members`` and ``status`` print one table for every node (member IDs as 16 hex
digits, sizes with go-humanize), ``alarm list|disarm`` a ``NODE MEMBER ALARM`` table only when there
are alarms; each failed node adds ``error from node <node>: <rpc error>``. ``snapshot`` (one node)
streams into ``<path>.part``, checks the size the way etcd's snapshot manager does (a bbolt file
plus its sha256), renames it into place and prints ``etcd snapshot saved to "<path>" (N bytes)``;
the "snapshot info" line (hash, revision, keys, size) follows when ``etcdctl`` is installed to read
it. ``defrag`` and ``leave`` need exactly one node.

Beyond Talos, ``snapshot --verify`` then restores the file into a scratch etcd (a real etcd on
loopback, removed afterwards) and compares its revision and key count with the counts the node
reported at the start of the stream (:mod:`pytalos.machined.etcd.verify` says exactly what is compared);
a mismatch or a file that does not restore is an error naming both numbers / etcd's reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
from google.protobuf import empty_pb2
from google.protobuf.message import Message

from pytalos.api.gen.machine import machine_pb2
from pytalos.cli.commands.config import tabwrite
from pytalos.cli.nodeclient import (
    ClientFactory,
    CLIError,
    GlobalArgs,
    NodeResult,
    global_options,
    raise_errors,
    run,
)
from pytalos.machined.etcd.verify import SnapshotCounts, VerifyError, parse_header, verify_snapshot

from ._streaming import humanize_bytes, stream_nodes, unary_nodes

EMPTY = empty_pb2.Empty()


def member_id(value: int) -> str:
    """Talos's ``etcd.FormatMemberID``."""
    return f"{value:016x}"


def parse_member_id(text: str) -> int:
    """Talos's ``etcd.ParseMemberID`` (hex, as ``etcd members`` prints it)."""
    try:
        value = int(text, 16)
    except ValueError:
        raise CLIError(
            f'error parsing member ID: strconv.ParseUint: parsing "{text}": invalid syntax'
        ) from None
    if not 0 <= value < 1 << 64:
        raise CLIError(f'error parsing member ID: strconv.ParseUint: parsing "{text}": value out of range')
    return value


def go_bool(value: bool) -> str:
    return "true" if value else "false"


def _factory(flags: dict[str, Any]) -> ClientFactory:
    return ClientFactory.build(GlobalArgs.from_click(flags))


def _unary(flags: dict[str, Any], method: str, request: Message) -> tuple[list[NodeResult[Any]], list[str]]:
    factory = _factory(flags)
    results = run(factory, unary_nodes(factory, method, request))
    errors = [f"error from node {r.node}: {r.error.message}" for r in results if r.error is not None]
    return [r for r in results if r.error is None], errors


def _messages(result: NodeResult[Any]) -> list[Any]:
    return list(result.payload.messages) if result.payload is not None else []


def members_rows(results: list[NodeResult[Any]]) -> list[list[str]]:
    rows = [["NODE", "ID", "HOSTNAME", "PEER URLS", "CLIENT URLS", "LEARNER"]]
    for result in results:
        for message in _messages(result):
            for m in message.members:
                rows.append(
                    [
                        result.node,
                        member_id(m.id),
                        m.hostname,
                        ",".join(m.peer_urls),
                        ",".join(m.client_urls),
                        go_bool(m.is_learner),
                    ]
                )
    return rows


STATUS_HEADER = [
    "NODE",
    "MEMBER",
    "DB SIZE",
    "IN USE",
    "LEADER",
    "RAFT INDEX",
    "RAFT TERM",
    "RAFT APPLIED INDEX",
    "LEARNER",
    "PROTOCOL",
    "STORAGE",
    "ERRORS",
]


def status_rows(results: list[NodeResult[Any]]) -> list[list[str]]:
    rows = [list(STATUS_HEADER)]
    for result in results:
        for message in _messages(result):
            st = message.member_status
            ratio = st.db_size_in_use / st.db_size * 100.0 if st.db_size > 0 else 0.0
            rows.append(
                [
                    result.node,
                    member_id(st.member_id),
                    humanize_bytes(st.db_size),
                    f"{humanize_bytes(st.db_size_in_use)} ({ratio:.2f}%)",
                    member_id(st.leader),
                    str(st.raft_index),
                    str(st.raft_term),
                    str(st.raft_applied_index),
                    go_bool(st.is_learner),
                    st.protocol_version,
                    st.storage_version,
                    ", ".join(st.errors),
                ]
            )
    return rows


def alarm_rows(results: list[NodeResult[Any]]) -> list[list[str]]:
    rows: list[list[str]] = []
    for result in results:
        for message in _messages(result):
            for alarm in message.member_alarms:
                name = machine_pb2.EtcdMemberAlarm.AlarmType.Name(alarm.alarm)
                rows.append([result.node, member_id(alarm.member_id), name])
    return [["NODE", "MEMBER", "ALARM"], *rows] if rows else []


def _table(rows: list[list[str]], errors: list[str]) -> None:
    if rows:
        click.echo(tabwrite(rows), nl=False)
    raise_errors(errors)


@click.group("etcd")
@global_options
def cli(**flags: Any) -> None:
    """Manage etcd."""


@cli.command("members")
@global_options
def members(**flags: Any) -> None:
    """Get the list of etcd cluster members."""
    results, errors = _unary(flags, "EtcdMemberList", machine_pb2.EtcdMemberListRequest(query_local=True))
    _table(members_rows(results), errors)


@cli.command("status")
@global_options
def status(**flags: Any) -> None:
    """Get the status of etcd cluster member.

    Returns the status of etcd member on the node, use multiple nodes to get status of all members.
    """
    results, errors = _unary(flags, "EtcdStatus", EMPTY)
    _table(status_rows(results), errors)


@cli.group("alarm")
def alarm() -> None:
    """Manage etcd alarms."""


@alarm.command("list")
@global_options
def alarm_list(**flags: Any) -> None:
    """List the etcd alarms for the node."""
    results, errors = _unary(flags, "EtcdAlarmList", EMPTY)
    _table(alarm_rows(results), errors)


@alarm.command("disarm")
@global_options
def alarm_disarm(**flags: Any) -> None:
    """Disarm the etcd alarms for the node."""
    results, errors = _unary(flags, "EtcdAlarmDisarm", EMPTY)
    _table(alarm_rows(results), errors)


def _single(flags: dict[str, Any], command: str, method: str, request: Message) -> None:
    factory = _factory(flags)
    factory.require_single_node(command)
    results = run(factory, unary_nodes(factory, method, request))
    raise_errors([r.error.message for r in results if r.error is not None])


@cli.command("defrag")
@global_options
def defrag(**flags: Any) -> None:
    """Defragment etcd database on the node.

    Defragmentation is a maintenance operation that releases unused space from the etcd database file.
    Defragmentation is a resource heavy operation and should be performed only when necessary on a
    single node at a time.
    """
    _single(flags, "etcd defrag", "EtcdDefragment", EMPTY)


@cli.command("leave")
@global_options
def leave(**flags: Any) -> None:
    """Tell nodes to leave etcd cluster."""
    _single(flags, "etcd leave", "EtcdLeaveCluster", machine_pb2.EtcdLeaveClusterRequest())


@cli.command("forfeit-leadership")
@global_options
def forfeit_leadership(**flags: Any) -> None:
    """Tell node to forfeit etcd cluster leadership."""
    _, errors = _unary(flags, "EtcdForfeitLeadership", machine_pb2.EtcdForfeitLeadershipRequest())
    raise_errors(errors)


@cli.command("remove-member")
@click.argument("member")
@global_options
def remove_member(member: str, **flags: Any) -> None:
    """Remove the node from etcd cluster.

    Use this command only if you want to remove a member which is in broken state. If there is no access
    to the node, or the node can't access etcd to call etcd leave. Always prefer etcd leave over this
    command.
    """
    request = machine_pb2.EtcdRemoveMemberByIDRequest(member_id=parse_member_id(member))
    _, errors = _unary(flags, "EtcdRemoveMemberByID", request)
    raise_errors(errors)


def snapshot_status(path: str, etcdctl: str | None = None) -> dict[str, Any] | None:
    """``etcdctl snapshot status -w json`` of ``path`` (hash, revision, totalKey, totalSize); ``None``
    without etcdctl."""
    binary = etcdctl or shutil.which("etcdctl")
    if binary is None:
        return None
    proc = subprocess.run(
        [binary, "snapshot", "status", path, "-w", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "ETCDCTL_API": "3"},
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        raise CLIError(f"reading snapshot status with {binary}: {proc.stderr.strip() or proc.stdout.strip()}")
    status: dict[str, Any] = json.loads(proc.stdout)
    return status


def snapshot_info(path: str, etcdctl: str | None = None) -> str | None:
    """Talos's ``snapshot info`` line, read by ``etcdctl snapshot status`` (``None`` without etcdctl)."""
    st = snapshot_status(path, etcdctl)
    if st is None:
        return None
    return (
        f"snapshot info: hash {int(st['hash']):08x}, revision {st['revision']}, "
        f"total keys {st['totalKey']}, total size {st['totalSize']}"
    )


def check_snapshot(data_size: int) -> None:
    """etcd's check that a snapshot ends with its sha256 (a bbolt file is a multiple of 512 bytes)."""
    if data_size % 512 != hashlib.sha256().digest_size:
        raise CLIError(f"sha256 checksum not found (size {data_size})")


def _header(data: Any) -> SnapshotCounts | None:
    """The counts of a pytalos header message (see :mod:`pytalos.machined.server.etcdapi`)."""
    if data.bytes or not data.HasField("metadata"):
        return None
    return parse_header(data.metadata.status.message)


def verify(path: str, reported: SnapshotCounts | None) -> str:
    """``--verify`` (:mod:`pytalos.machined.etcd.verify`): the line printed on success."""
    if reported is None:
        raise CLIError(
            "cannot verify the snapshot: the node sent no revision and key count with it (not a pytalos node)"
        )
    try:
        restored = verify_snapshot(Path(path), reported)
    except VerifyError as err:
        raise CLIError(f'snapshot "{path}" failed verification: {err}') from None
    return (
        f"snapshot verified: restored into a scratch etcd with revision {restored.revision} and "
        f"{restored.keys} keys, as reported by the node"
    )


@cli.command("snapshot")
@click.argument("path")
@click.option(
    "--verify",
    "verify_after",
    is_flag=True,
    help="restore the written snapshot into a scratch etcd and compare its revision and key count "
    "with what the node reported (pytalos)",
)
@global_options
def snapshot(path: str, verify_after: bool, **flags: Any) -> None:
    """Stream snapshot of the etcd node to the path."""
    factory = _factory(flags)
    factory.require_single_node("etcd snapshot")
    part = path + ".part"
    try:
        dest = open(part, "wb")  # noqa: SIM115 - written by the stream callback below
    except OSError as err:
        raise CLIError(f"error creating temporary file: {err}") from err
    size = 0
    reported: SnapshotCounts | None = None
    try:
        with dest:
            os.fchmod(dest.fileno(), 0o600)

            def write(node: str, data: Any) -> None:
                nonlocal size, reported
                reported = _header(data) or reported
                dest.write(data.bytes)
                size += len(data.bytes)

            errors = run(
                factory, stream_nodes(factory, "EtcdSnapshot", machine_pb2.EtcdSnapshotRequest(), write)
            )
            if errors:
                raise CLIError(f"error reading: {errors[0].message}")
            dest.flush()
            os.fsync(dest.fileno())
        check_snapshot(size)
        os.replace(part, path)
    finally:
        if os.path.exists(part):
            os.unlink(part)
    click.echo(f'etcd snapshot saved to "{path}" ({size} bytes)')
    info = snapshot_info(path)
    if info is not None:
        click.echo(info)
    if verify_after:
        click.echo(verify(path, reported))
