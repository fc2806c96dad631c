# ruff: noqa: E501 -- /proc lines are kept verbatim
"""Parsers of the node's kernel views, kmsg records, node paths and events, on fixed inputs."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError

from pytalos.api.gen.machine import machine_pb2
from pytalos.machined.node.events import MachineStage, MachineStatusEvent, UnmetCondition
from pytalos.machined.sequencer.events import ErrorCode, SequenceAction, SequenceError, SequenceEvent
from pytalos.machined.server import procfs
from pytalos.machined.server.events import event_message, history_tail, to_event
from pytalos.machined.server.files import (
    GO_DIR,
    GO_SYMLINK,
    NodePaths,
    disk_usage,
    go_file_mode,
    list_entries,
)
from pytalos.machined.server.kmsg import format_record, parse_record, rfc3339_nano
from pytalos.machined.server.logs import tail_offset
from pytalos.machined.server.netstat import decode_address, netstat, parse_sockets
from pytalos.machined.system.stream import Envelope

pytestmark = pytest.mark.unit

MEMINFO = """MemTotal:       24683656 kB
MemFree:        20000000 kB
MemAvailable:   22000000 kB
Buffers:          100000 kB
Cached:          1000000 kB
Active(anon):      12345 kB
Committed_AS:     999999 kB
HugePages_Total:       0
DirectMap2M:     8192000 kB
"""

STAT = """cpu  437030 0 34599 896364 1771 0 1088 2586 0 0
cpu0 136924 0 12978 534233 224 0 513 1377 0 0
intr 100 1 2 3
ctxt 5000
btime 1700000000
processes 12433
procs_running 2
procs_blocked 0
softirq 1541615 0 251359 307 32003 190764 0 3 583098 28 484053
"""

TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:094B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1151 1 000000004301e1dc 100 0 0 10 0
   1: 0100007F:094B 0100007F:D2F0 01 00000002:00000001 02:000003E8 00000000     0        0 2222 1 000000004301e1dd 20 4 30 10 -1
"""
TCP6 = """  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000000000000000 100 0 0 10 0
"""


def test_meminfo_maps_onto_talos_meminfo_fields() -> None:
    values = procfs.parse_meminfo(MEMINFO)
    fields = procfs.meminfo_fields(values, tuple(machine_pb2.MemInfo.DESCRIPTOR.fields_by_name))
    info = machine_pb2.MemInfo(**fields)
    assert (info.memtotal, info.memfree, info.activeanon, info.committedas) == (
        24683656,
        20000000,
        12345,
        999999,
    )
    assert info.directmap2m == 8192000 and info.hugepagestotal == 0


def test_pid_stat_keeps_parentheses_and_spaces_in_comm() -> None:
    line = "42 (my (odd) proc) S 1 42 42 0 -1 4194304 98 0 0 0 150 50 0 0 20 0 3 0 688312 3133440 374 18446744073709551615"
    st = procfs.parse_pid_stat(line)
    assert (st.pid, st.comm, st.state, st.ppid, st.utime, st.stime, st.threads, st.vsize, st.rss) == (
        42,
        "my (odd) proc",
        "S",
        1,
        150,
        50,
        3,
        3133440,
        374,
    )
    with pytest.raises(ValueError, match="short"):
        procfs.parse_pid_stat("1 (x) S 0")


def test_mountinfo_unescapes_and_stat_converts_ticks_to_seconds() -> None:
    mounts = procfs.parse_mountinfo(
        "22 27 0:21 / /proc rw - proc proc rw\n30 27 8:1 / /mnt/with\\040space rw shared:1 - ext4 /dev/sda1 rw\n"
    )
    assert [(m.device, m.mount_point, m.fstype) for m in mounts] == [
        ("proc", "/proc", "proc"),
        ("/dev/sda1", "/mnt/with space", "ext4"),
    ]
    st = procfs.parse_stat(STAT, clock_ticks=100)
    assert st.cpu_total["user"] == 4370.30 and len(st.cpu) == 1 and st.boot_time == 1700000000
    assert st.irq_total == 100 and st.irq == [1, 2, 3] and st.soft_irq["rcu"] == 484053


def test_sockets_decode_v4_v6_and_filter_listening() -> None:
    assert decode_address("0100007F:094B") == ("127.0.0.1", 2379)
    assert decode_address("00000000000000000000000001000000:0016") == ("::1", 22)
    records = parse_sockets("tcp", TCP)
    assert [(r.localport, r.remoteport, r.state) for r in records] == [(2379, 0, 10), (2379, 54000, 1)]
    assert (records[1].txqueue, records[1].rxqueue, records[1].tr, records[1].timerwhen) == (2, 1, 2, 1000)
    fs = procfs.FakeProcFS(
        files={"net/tcp": TCP, "net/tcp6": TCP6, "7/comm": "etcd\n"},
        links={"7/fd/3": "socket:[1151]", "7/fd/4": "/dev/null"},
    )
    listening = netstat(fs, machine_pb2.NetstatRequest(filter=machine_pb2.NetstatRequest.LISTENING))
    assert [(r.l4proto, r.localip) for r in listening] == [("tcp", "127.0.0.1"), ("tcp6", "::1")]
    with_pid = netstat(
        fs,
        machine_pb2.NetstatRequest(
            filter=machine_pb2.NetstatRequest.ALL,
            feature=machine_pb2.NetstatRequest.Feature(pid=True),
            l4proto=machine_pb2.NetstatRequest.L4proto(tcp=True),
        ),
    )
    assert [(r.inode, r.process.pid, r.process.name) for r in with_pid] == [(1151, 7, "etcd"), (2222, 0, "")]


def test_kmsg_record_formatted_like_machined() -> None:
    rec = parse_record(b"6,1,1500000,-;Command line: quiet\n SUBSYSTEM=x\n", booted=1_700_000_000.0)
    assert (rec.facility, rec.priority, rec.seq, rec.message) == ("kern", "info", 1, "Command line: quiet")
    assert format_record(rec) == "kern:    info: [2023-11-14T22:13:21.5Z]: Command line: quiet"
    assert parse_record(b"30,7,0,-;daemon says", 0.0).facility == "daemon"
    assert rfc3339_nano(1_700_000_000.0) == "2023-11-14T22:13:20Z"
    with pytest.raises(ValueError, match="malformed"):
        parse_record(b"garbage", 0.0)


def test_log_tail_offset_counts_lines_from_the_end(tmp_path: Path) -> None:
    path = tmp_path / "x.log"
    path.write_bytes(b"one\ntwo\nthree\n")
    assert path.read_bytes()[tail_offset(path, 2) :] == b"two\nthree\n"
    assert tail_offset(path, 10) == 0 and tail_offset(path, 0) == path.stat().st_size
    path.write_bytes(b"a\nb")
    assert path.read_bytes()[tail_offset(path, 1) :] == b"b"


def test_node_paths_stay_inside_the_node_root(tmp_path: Path) -> None:
    root = tmp_path / "node"
    (root / "var" / "log").mkdir(parents=True)
    (root / "var" / "log" / "etcd.log").write_text("hello\n")
    (root / "escape").symlink_to("/etc")
    (root / "inside").symlink_to("var/log")
    paths = NodePaths(root)
    assert paths.host("/../../var/log") == paths.root / "var" / "log"
    assert paths.host("/inside/etcd.log").read_text() == "hello\n"
    with pytest.raises(GRPCError) as err:
        paths.host("/escape/passwd")
    assert err.value.status is Status.PERMISSION_DENIED and "outside the node root" in str(err.value.message)

    listed = list_entries(paths, machine_pb2.ListRequest(root="/", recurse=True))
    names = [(i.relative_name, i.name) for i in listed]
    assert names[0] == (".", "/") and ("var/log/etcd.log", "/var/log/etcd.log") in names
    escape = next(i for i in listed if i.relative_name == "escape")
    assert escape.link == "/etc" and escape.mode & GO_SYMLINK
    top = list_entries(paths, machine_pb2.ListRequest(root="/var"))
    assert [i.relative_name for i in top] == [".", "log"] and top[1].mode & GO_DIR
    dirs = list_entries(
        paths, machine_pb2.ListRequest(root="/", recurse=True, types=[machine_pb2.ListRequest.DIRECTORY])
    )
    assert {i.relative_name for i in dirs} == {".", "var", "var/log"}

    usage = disk_usage(paths, machine_pb2.DiskUsageRequest(recursion_depth=2, paths=["/var"]))
    sizes = {u.relative_name: u.size for u in usage}
    assert set(sizes) == {"/var", "log"} and sizes["/var"] >= sizes["log"] >= 6


def test_go_file_mode_bits() -> None:
    assert go_file_mode(stat.S_IFDIR | 0o755) == GO_DIR | 0o755
    assert go_file_mode(stat.S_IFREG | 0o4644) == (1 << 23) | 0o644
    assert go_file_mode(os.lstat("/dev/null").st_mode) & (1 << 21)


def test_events_are_any_packed_with_talos_type_urls() -> None:
    seq = SequenceEvent("boot", SequenceAction.STOP, SequenceError(ErrorCode.LOCKED, "busy"))
    event = to_event(Envelope(7, 1.0, seq), "actor-1")
    assert event is not None and event.id == "7" and event.actor_id == "actor-1"
    assert event.data.type_url == "talos/runtime/machine.SequenceEvent"
    decoded = machine_pb2.SequenceEvent()
    event.data.Unpack(decoded)
    assert decoded.error.message == "busy" and decoded.action == machine_pb2.SequenceEvent.STOP
    status = event_message(MachineStatusEvent(MachineStage.RUNNING, False, (UnmetCondition("etcd", "down"),)))
    assert (
        isinstance(status, machine_pb2.MachineStatusEvent)
        and status.status.unmet_conditions[0].name == "etcd"
    )
    assert event_message(object()) is None

    history = [Envelope(i, 100.0 + i, object()) for i in range(5)]
    assert history_tail(machine_pb2.EventsRequest(tail_id="2"), history, 105.0) == 2
    assert history_tail(machine_pb2.EventsRequest(tail_seconds=2), history, 105.0) == 2
    assert history_tail(machine_pb2.EventsRequest(tail_events=-1), history, 105.0) == -1
    with pytest.raises(GRPCError, match="invalid tail id"):
        history_tail(machine_pb2.EventsRequest(tail_id="x"), history, 105.0)
    with pytest.raises(GRPCError, match="only one"):
        history_tail(machine_pb2.EventsRequest(tail_id="1", tail_events=3), history, 105.0)
