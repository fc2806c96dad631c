# ruff: noqa: E501 -- /proc lines and expected rows are kept verbatim
"""talosctl's observability verbs against real node API servers on 127.0.0.1 (mTLS, Ed25519).

The server is machined's ``machine_server`` around a real :class:`MachineApi` whose node has real
service logs (files under a node root in ``tmp``), a real event bus and a node root folder; only the
kernel views are fixed (:class:`FakeProcFS`, :class:`FakeKmsg`) and the NTP server is a local UDP one.
"""

from __future__ import annotations

import asyncio
import io
import socket
import struct
import tarfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from pytalos.api.server import ApiServer
from pytalos.machined.node.events import EventBus, MachineStage, MachineStatusEvent
from pytalos.machined.sequencer.events import SequenceAction, SequenceEvent
from pytalos.machined.server.apply import Applier
from pytalos.machined.server.certs import node_server_cert
from pytalos.machined.server.kmsg import FakeKmsg
from pytalos.machined.server.listener import machine_server
from pytalos.machined.server.machine import MachineApi
from pytalos.machined.server.procfs import FakeProcFS
from pytalos.machined.system.logs import ServiceLogs
from pytalos.machined.system.service_runner import ServiceInfo
from tests.unit.machined.node import _configs
from tests.unit.machined.server.test_apply import FakeRuntime
from tests.unit.machined.server.test_servers import FakeNode

from ._served import Servers, servers, talosctl

__all__ = ["servers"]

pytestmark = pytest.mark.unit

MEMINFO = "MemTotal: 2048000 kB\nMemFree: 1024000 kB\nMemAvailable: 1536000 kB\nBuffers: 10240 kB\nCached: 102400 kB\nShmem: 2048 kB\n"
MOUNTINFO = "22 27 0:21 / /proc rw - proc proc rw\n30 27 8:1 / / rw - ext4 /dev/sda1 rw\n"
STAT_ETCD = "100 (etcd) S 1 100 100 0 -1 0 0 0 0 0 250 50 0 0 20 0 12 0 5 104857600 25600"
STAT_SH = "200 (sh) S 1 200 200 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 4194304 100"
TCP = (
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:094B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1151 1 0 100 0 0 10 0\n"
    "   1: 0100007F:094B 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0 20 4 30 10 -1\n"
)


@dataclass
class ObservedNode(FakeNode):
    """The test double of machined for these verbs: logs, events and a root folder, all real."""

    root: Path = Path()
    logs: ServiceLogs = field(default_factory=ServiceLogs)
    events: EventBus = field(default_factory=EventBus)

    def service_list(self) -> list[ServiceInfo]:
        etcd = super().service_list()[0]
        return [etcd, ServiceInfo("follow-me", "Running", [], etcd.health)]

    @property
    def layout(self) -> SimpleNamespace:
        return SimpleNamespace(root=self.root)


@dataclass
class Observed:
    node: ObservedNode
    address: str
    talosconfig: Path
    kmsg: FakeKmsg
    loop: asyncio.AbstractEventLoop


def _proc() -> FakeProcFS:
    return FakeProcFS(
        files={
            "meminfo": MEMINFO,
            "self/mountinfo": MOUNTINFO,
            "100/stat": STAT_ETCD,
            "100/cmdline": "/usr/bin/etcd\0--name\0cp-1\0",
            "100/comm": "etcd\n",
            "200/stat": STAT_SH,
            "200/cmdline": "sh\0-c\0sleep 1\0",
            "net/tcp": TCP,
        },
        links={"100/exe": "/usr/bin/etcd", "100/fd/7": "socket:[1151]"},
        filesystems={"/": (10_000_000_000, 4_000_000_000), "/proc": (0, 0)},
    )


@pytest.fixture(scope="module")
def observed(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    root = tmp_path_factory.mktemp("node")
    (root / "var" / "log").mkdir(parents=True)
    (root / "var" / "log" / "machined.log").write_text("machined starting\nmachined ready\n")
    (root / "system" / "state").mkdir(parents=True)
    (root / "system" / "state" / "config.yaml").write_text("version: v1alpha1\n")
    kmsg = FakeKmsg([b"6,0,1000000,-;Linux version 6.1\n", b"3,1,2000000,-;disk error\n"])

    async def start() -> tuple[ObservedNode, ApiServer]:
        node = ObservedNode(root=root, logs=ServiceLogs(root / "var" / "log"))
        node.logs.get("etcd").write(b"etcd line 1\netcd line 2\netcd line 3\n")
        node.events.publish(SequenceEvent("boot", SequenceAction.START), "actor-9")
        node.events.publish(MachineStatusEvent(MachineStage.RUNNING, True))
        api = MachineApi(node, Applier(FakeRuntime(_configs.config())))
        api.procfs = _proc()
        api.kmsg = kmsg
        identity = node_server_cert(servers.ca, "cp-1", ["127.0.0.1"])
        server = machine_server(api, identity, servers.ca.crt, "127.0.0.1", 0)
        await server.start()
        return node, server

    node, server = servers.call(start())
    address = f"127.0.0.1:{server.port}"
    talosconfig = servers.talosconfig(tmp_path_factory.mktemp("tc") / "talosconfig", [address])
    try:
        yield Observed(node, address, talosconfig, kmsg, servers.loop)
    finally:
        servers.call(server.close())
        servers.call(asyncio.sleep(0))
        node.logs.close()


def tc(o: Observed, *args: str) -> list[str]:
    return ["--talosconfig", str(o.talosconfig), *args]


def test_memory_brief_and_verbose(observed: Observed) -> None:
    result = talosctl(*tc(observed, "memory"))
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["NODE", "TOTAL", "USED", "FREE", "SHARED", "BUFFERS", "CACHE", "AVAILABLE"]
    assert row.split() == [observed.address, "2000", "890", "1000", "2", "10", "100", "1500"]
    verbose = talosctl(*tc(observed, "free", "-v"))
    assert f"NODE: {observed.address}\nMemTotal: 2048000 kB\n" in verbose.stdout
    assert "HugePagesTotal: 0\n" in verbose.stdout


def test_mounts_skip_empty_filesystems(observed: Observed) -> None:
    result = talosctl(*tc(observed, "mounts"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["NODE", "FILESYSTEM"] and len(lines) == 2
    assert lines[1].split() == [observed.address, "/dev/sda1", "10.00", "6.00", "4.00", "60.00%", "/"]


def test_processes_sorted_by_rss_with_executable(observed: Observed) -> None:
    result = talosctl(*tc(observed, "ps"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NODE", "PID", "STATE", "THREADS", "CPU-TIME", "VIRTMEM", "RESMEM", "COMMAND"]
    first = lines[1].split()
    assert first[:9] == [observed.address, "100", "S", "12", "3.00", "105", "MB", "105", "MB"]
    assert lines[1].endswith("  /usr/bin/etcd --name cp-1")
    assert lines[2].endswith("  sh")  # no readable executable: the command name, as Talos
    by_cpu = talosctl(*tc(observed, "processes", "-s", "cpu"))
    assert by_cpu.stdout.splitlines()[1].split()[1] == "100"


def test_logs_of_a_service_with_tail_and_of_machined(observed: Observed) -> None:
    result = talosctl(*tc(observed, "logs", "etcd", "--tail", "2"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "etcd line 2\netcd line 3\n"
    assert talosctl(*tc(observed, "logs", "machined")).stdout == "machined starting\nmachined ready\n"
    missing = talosctl(*tc(observed, "logs", "nope"))
    assert missing.exit_code == 1
    assert 'code = NotFound desc = log "nope" was not found' in missing.stderr


def test_logs_follow_streams_new_lines(observed: Observed) -> None:
    def later() -> None:
        time.sleep(0.5)
        asyncio.run_coroutine_threadsafe(_write_and_close(observed), observed.loop).result(5)

    thread = threading.Thread(target=later)
    thread.start()
    result = talosctl(*tc(observed, "logs", "follow-me", "-f"))
    thread.join()
    assert result.stdout == "first\nsecond\n", result.stderr


async def _write_and_close(o: Observed) -> None:
    log = o.node.logs.get("follow-me")
    log.write(b"first\n")
    await asyncio.sleep(0.1)
    log.write(b"second\n")
    log.close()


def test_dmesg_lines_carry_node_facility_and_priority(observed: Observed) -> None:
    result = talosctl(*tc(observed, "dmesg"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{observed.address}: kern:    info: [") and lines[0].endswith(
        "]: Linux version 6.1"
    )
    assert lines[1].split(": ")[1:3] == ["kern", "    err"]
    assert talosctl(*tc(observed, "dmesg", "--tail")).stdout == ""


def test_events_tail_prints_talos_layout(observed: Observed) -> None:
    def close_soon() -> None:
        time.sleep(0.5)
        observed.loop.call_soon_threadsafe(observed.node.events.stream.close)

    thread = threading.Thread(target=close_soon)
    thread.start()
    result = talosctl(*tc(observed, "events", "--tail", "-1"))
    thread.join()
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NODE", "ID", "EVENT", "ACTOR", "SOURCE", "MESSAGE"]
    assert lines[1].split() == [observed.address, "0", "talos/runtime/machine.SequenceEvent"]
    assert lines[2].split() == ["actor-9", "boot", "START"]
    assert lines[3].split()[2] == "talos/runtime/machine.MachineStatusEvent"
    assert lines[4].split(None, 1) == ["RUNNING", "ready: true, unmet conditions: []"]


def test_list_read_copy_usage_under_the_node_root(observed: Observed, tmp_path: Path) -> None:
    listing = talosctl(*tc(observed, "ls", "/var/log"))
    assert listing.exit_code == 0, listing.stderr
    rows = [line.split() for line in listing.stdout.splitlines()]
    assert rows[:3] == [["NODE", "NAME"], [observed.address, "."], [observed.address, "etcd.log"]]
    assert [observed.address, "machined.log"] in rows and {len(r) for r in rows} == {2}
    long = talosctl(*tc(observed, "list", "-l", "-r", "/system"))
    rows = [line.split() for line in long.stdout.splitlines()]
    assert rows[0] == ["NODE", "MODE", "UID", "GID", "SIZE(B)", "LASTMOD", "NAME"]
    assert rows[-1][1] == "-rw-r--r--" and rows[-1][-1] == "state/config.yaml" and rows[1][1].startswith("d")

    read = talosctl(*tc(observed, "cat", "/system/state/config.yaml"))
    assert read.exit_code == 0 and read.stdout == "version: v1alpha1\n"
    escape = talosctl(*tc(observed, "read", "/../../../etc/hostname"))
    assert escape.exit_code == 1 and "code = NotFound" in escape.stderr

    copied = talosctl(*tc(observed, "cp", "/system/state", str(tmp_path / "out")))
    assert copied.exit_code == 0, copied.stderr
    assert (tmp_path / "out" / "state" / "config.yaml").read_text() == "version: v1alpha1\n"

    usage = talosctl(*tc(observed, "du", "-d", "1", "/system"))
    rows = [line.split() for line in usage.stdout.splitlines()]
    assert rows[0] == ["NODE", "SIZE", "NAME"] and rows[1][2] == "/system" and rows[2][2] == "state"
    assert int(rows[1][1]) >= int(rows[2][1]) >= 18


def test_reader_may_list_but_not_read(servers: Servers, observed: Observed, tmp_path: Path) -> None:
    reader = servers.talosconfig(tmp_path / "tc", [observed.address], roles=("os:reader",))
    assert talosctl("--talosconfig", str(reader), "ls", "/").exit_code == 0
    denied = talosctl("--talosconfig", str(reader), "read", "/system/state/config.yaml")
    assert denied.exit_code == 1 and "code = PermissionDenied desc = not authorized" in denied.stderr
    two = talosctl(
        "--talosconfig", str(reader), "-n", f"{observed.address},{observed.address}", "cp", "/", "."
    )
    assert two.exit_code == 1 and 'command "copy" requires exactly one node (got 2)' in two.stderr


def test_netstat_listening_and_connected(observed: Observed) -> None:
    listening = talosctl(*tc(observed, "netstat", "-l", "-p", "-x"))
    assert listening.exit_code == 0, listening.stderr
    rows = [line.split() for line in listening.stdout.splitlines()]
    assert rows[0][:2] == ["NODE", "Proto"] and rows[0][-1] == "name"
    assert rows[1] == [
        observed.address,
        "tcp",
        "0",
        "0",
        "127.0.0.1:2379",
        "0.0.0.0:*",
        "LISTEN",
        "0",
        "1151",
        "100/etcd",
    ]
    connected = talosctl(*tc(observed, "ss"))
    assert [r.split()[4:7] for r in connected.stdout.splitlines()[1:]] == [
        ["127.0.0.1:2379", "127.0.0.1:54000", "ESTABLISHED"]
    ]


class _NtpServer:
    """Answers every SNTP request with a fixed transmit time (2023-11-14T22:13:20Z)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(5)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        try:
            _, peer = self.sock.recvfrom(48)
        except OSError:
            return
        seconds = 1_700_000_000 + 2_208_988_800
        self.sock.sendto(b"\x24" + bytes(39) + struct.pack("!II", seconds, 0), peer)

    def close(self) -> None:
        self.sock.close()
        self.thread.join(5)


def test_time_check_against_an_ntp_server(observed: Observed) -> None:
    ntp = _NtpServer()
    try:
        result = talosctl(*tc(observed, "time", "--check", f"127.0.0.1:{ntp.port}"))
    finally:
        ntp.close()
    assert result.exit_code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["NODE", "NTP-SERVER", "NODE-TIME", "NTP-SERVER-TIME"]
    assert row.split()[:2] == [observed.address, f"127.0.0.1:{ntp.port}"]
    assert row.split()[-4].startswith("2023-11-14") and row.endswith("+0000 UTC")
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.1", 0))
    try:
        failed = talosctl(*tc(observed, "time", "--check", f"127.0.0.1:{silent.getsockname()[1]}"))
    finally:
        silent.close()
    assert (
        failed.exit_code == 1
        and "error querying NTP server" in failed.stderr
        and "no answer within" in failed.stderr
    )


def test_copy_to_stdout_is_a_targz(observed: Observed) -> None:
    result = talosctl(*tc(observed, "copy", "/system/state/config.yaml", "-"))
    with tarfile.open(fileobj=io.BytesIO(result.stdout_bytes), mode="r:gz") as tar:
        assert tar.getnames() == ["config.yaml"]
