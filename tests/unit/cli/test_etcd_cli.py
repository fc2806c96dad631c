"""``talosctl etcd …`` against real node API servers on 127.0.0.1 (mTLS, Ed25519) whose etcd is a double:
Talos's tables, member ID parsing, single-node checks, the atomic snapshot file and per-node errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytalos.api.server import ApiServer
from pytalos.cli.commands import etcd as etcd_cmd
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_etcdapi import ME, OTHER, FakeAccess, FakeEtcd
from tests.unit.machined.server.test_servers import FakeNode

from ._served import Servers, talosctl

pytestmark = pytest.mark.unit


class SnapshotEtcd(FakeEtcd):
    async def snapshot_chunks(self) -> Any:
        for chunk in (b"x" * 512, b"y" * 32):  # a bbolt page and the sha256 etcd appends
            yield chunk


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str, FakeAccess]]:
    served = Servers()
    access = FakeAccess(SnapshotEtcd())
    started: list[ApiServer] = []

    def start(hostname: str, etcd_access: FakeAccess) -> str:
        async def go() -> ApiServer:
            api = MachineApi(FakeNode(), Applier(FakeRuntime(_configs.config())))
            api.etcd_access = etcd_access
            server = machine_server(
                api, node_server_cert(served.ca, hostname, ["127.0.0.1"]), served.ca.crt, "127.0.0.1", 0
            )
            await server.start()
            return server

        server = served.call(go())
        started.append(server)
        return f"127.0.0.1:{server.port}"

    try:
        cp = start("cp-1", access)
        worker = start("w-1", FakeAccess(FakeEtcd(), kind="worker"))
        path = served.talosconfig(tmp_path_factory.mktemp("tc") / "talosconfig", [cp])
        yield path, cp, worker, access
    finally:
        for server in started:
            served.stop(server)
        served.close()


def test_members_table_and_worker_error(nodes: Any) -> None:
    tc, cp, worker, _ = nodes
    result = talosctl("--talosconfig", str(tc), "-n", f"{cp},{worker}", "etcd", "members")
    lines = result.output.splitlines()
    assert lines[0].split() == ["NODE", "ID", "HOSTNAME", "PEER", "URLS", "CLIENT", "URLS", "LEARNER"]
    assert lines[1].split() == [
        cp,
        f"{ME:016x}",
        "cp-1",
        "https://10.5.0.2:2380",
        "https://10.5.0.2:2379",
        "false",
    ]
    assert lines[2].split()[1:3] == [f"{OTHER:016x}", "cp-2"] and lines[2].endswith("true")
    assert lines[0].index("ID") == len(cp) + 3  # tabwriter padding 3
    assert result.exit_code == 1
    assert (
        f"error from node {worker}: rpc error: code = Unimplemented desc = member list is only available on "
        "control plane nodes"
    ) in result.output


def test_status_table(nodes: Any) -> None:
    tc, cp, _, _ = nodes
    result = talosctl("--talosconfig", str(tc), "etcd", "status")
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()
    assert header.startswith("NODE") and "RAFT APPLIED INDEX" in header and header.rstrip().endswith("ERRORS")
    assert row.split()[:9] == [cp, f"{ME:016x}", "20", "kB", "16", "kB", "(80.00%)", f"{ME:016x}", "12"]
    assert row.split()[9:13] == ["2", "12", "false", "3.4.23"]


def test_alarm_list_then_disarm(nodes: Any) -> None:
    tc, cp, _, access = nodes
    listed = talosctl("--talosconfig", str(tc), "etcd", "alarm", "list")
    assert [line.split() for line in listed.output.splitlines()] == [
        ["NODE", "MEMBER", "ALARM"],
        [cp, f"{ME:016x}", "NOSPACE"],
    ]
    assert (
        talosctl("--talosconfig", str(tc), "etcd", "alarm", "disarm")
        .output.splitlines()[1]
        .endswith("NOSPACE")
    )
    assert talosctl("--talosconfig", str(tc), "etcd", "alarm", "list").output == ""
    assert access.etcd.alarms_raised == []


def test_snapshot_written_atomically(nodes: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tc, cp, worker, _ = nodes
    monkeypatch.setattr(etcd_cmd, "snapshot_info", lambda path: None)
    target = tmp_path / "db.snapshot"
    result = talosctl("--talosconfig", str(tc), "etcd", "snapshot", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f'etcd snapshot saved to "{target}" (544 bytes)\n'
    assert target.read_bytes() == b"x" * 512 + b"y" * 32
    assert not Path(str(target) + ".part").exists()

    failed = talosctl(
        "--talosconfig", str(tc), "-n", worker, "etcd", "snapshot", str(tmp_path / "w.snapshot")
    )
    assert failed.exit_code == 1
    assert (
        "error reading: rpc error: code = Unimplemented desc = etcd snapshot is only available"
        in failed.output
    )
    assert list(tmp_path.iterdir()) == [target]
    two = talosctl("--talosconfig", str(tc), "-n", f"{cp},{worker}", "etcd", "snapshot", str(tmp_path / "x"))
    assert 'command "etcd snapshot" requires exactly one node (got 2)' in two.output


def test_membership_verbs(nodes: Any) -> None:
    tc, _, _, access = nodes
    assert talosctl("--talosconfig", str(tc), "etcd", "remove-member", f"{OTHER:x}").exit_code == 0
    assert f"member_remove {OTHER:x}" in access.etcd.calls
    bad = talosctl("--talosconfig", str(tc), "etcd", "remove-member", "zz")
    assert bad.exit_code == 1 and 'error parsing member ID: strconv.ParseUint: parsing "zz"' in bad.output
    missing = talosctl("--talosconfig", str(tc), "etcd", "remove-member", "1234")
    assert "rpc error: code = NotFound desc = failed to remove member: " in missing.output
    assert talosctl("--talosconfig", str(tc), "etcd", "defrag").exit_code == 0
    assert "defragment" in access.etcd.calls
    assert talosctl("--talosconfig", str(tc), "etcd", "forfeit-leadership").exit_code == 0
    assert talosctl("--talosconfig", str(tc), "etcd", "leave").exit_code == 0
    assert access.events[-2:] == ["stop etcd", "wipe data"]


def test_snapshot_size_check_and_member_ids() -> None:
    etcd_cmd.check_snapshot(512 * 3 + 32)
    with pytest.raises(etcd_cmd.CLIError, match=r"sha256 checksum not found \(size 512\)"):
        etcd_cmd.check_snapshot(512)
    assert etcd_cmd.parse_member_id("8e1c5a4f2d3b0001") == ME
    assert etcd_cmd.member_id(0xA02) == "0000000000000a02"
