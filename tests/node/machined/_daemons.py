"""Helpers for node tests that run the real etcd and containerd: ports, processes, cleanup checks."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytalos.machined.etcd.args import ClusterState, EtcdDialect, render_args
from pytalos.machined.etcd.layout import EtcdLayout
from pytalos.machined.etcd.pki import NodeIdentity, issue_etcd_certs, write_pki
from pytalos.machined.etcd.spec import build_spec
from pytalos.machinery.config.types.v1alpha1.components import EtcdConfig
from pytalos.machinery.secrets.ca import new_etcd_ca


def require_root_and(*binaries: str) -> None:
    """Skip without root (node tier); fail loudly when a binary that setup installs is missing."""
    if os.geteuid() != 0:
        pytest.skip("node tests need root")
    missing = [b for b in binaries if shutil.which(b) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run scripts/setup (Debian packages)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def processes_referencing(path: Path) -> list[int]:
    """PIDs whose command line mentions ``path`` (daemons and containerd shims of one test root)."""
    needle = str(path).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; always reaps the child."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def kill_leftovers(root: Path) -> list[int]:
    """SIGKILL every process still referencing ``root`` (by pid); returns the pids found."""
    pids = processes_referencing(root)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while processes_referencing(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    return pids


def etcd_dialect() -> EtcdDialect:
    out = subprocess.run(["etcd", "--version"], capture_output=True, text=True, check=True).stdout
    return EtcdDialect.parse(out)


@dataclass
class EtcdNode:
    """A single-member etcd prepared under ``root``: PKI written, arguments rendered."""

    root: Path
    layout: EtcdLayout
    args: list[str]
    client_endpoint: str


def prepare_etcd(
    root: Path,
    address: str,
    *,
    client_port: int,
    peer_port: int,
    hostname: str = "node-1",
) -> EtcdNode:
    """Fresh etcd CA → node certificates → bootstrap command line listening on ``address`` only."""
    ip = ipaddress.ip_address(address)
    layout = EtcdLayout(root)
    ca = new_etcd_ca()
    write_pki(layout, ca, issue_etcd_certs(ca, NodeIdentity(hostname, [ip])))
    config = EtcdConfig()
    config.etcd_listen_subnets = [f"{ip}/{ip.max_prefixlen}"]
    spec = build_spec(config, hostname, [ip])
    args = render_args(
        spec,
        layout,
        ClusterState.BOOTSTRAP,
        dialect=etcd_dialect(),
        client_port=client_port,
        peer_port=peer_port,
    )
    layout.data_dir.mkdir(mode=0o700, parents=True)
    return EtcdNode(root, layout, args, f"{address}:{client_port}")


def start(argv: Sequence[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as fh:
        return subprocess.Popen(list(argv), stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
