"""Benchmarks of ``talosctl cluster create`` (issue: cluster create): time from the command's start to
a healthy cluster, beside a 3-member etcd cluster started alone in the same run.

* **create 1+0 → healthy** and **create 3+2 → healthy**: the whole ``talosctl cluster create --wait``
  command (interpreter start, secrets and configs, bridge and namespaces, machined processes,
  maintenance apply, bootstrap, every health check), the cluster destroyed after each run (not timed).
* **baseline**: three real etcd processes on loopback (plain HTTP, static ``--initial-cluster``) from
  spawn until every member answers ``/health`` -- the floor of any cluster that runs etcd.

Target: ≤ 30 s and ≤ 3x the etcd baseline. Runs are capped at :data:`MAX_RUNS` (a run takes seconds).
Needs root, iproute2, containerd and etcd; without them, or when a create fails (its error is
printed on stderr), the rows are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .harness import Row

TARGET = "≤ 30 s, ≤ 3x etcd"
MAX_RUNS = 3
TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=0.5) as reply:
            return bool(json.loads(reply.read()).get("health") == "true")
    except (OSError, ValueError):
        return False


def etcd_alone() -> float:
    """Seconds from spawning three etcd members until all report healthy."""
    ports = _free_ports(6)
    peers = ",".join(f"m{i}=http://127.0.0.1:{ports[2 * i + 1]}" for i in range(3))
    root = Path(tempfile.mkdtemp(prefix="ptbe", dir="/tmp"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        start = time.perf_counter()
        for i in range(3):
            client, peer = ports[2 * i], ports[2 * i + 1]
            argv = [
                "etcd", f"--name=m{i}", f"--data-dir={root / f'm{i}'}",
                f"--listen-client-urls=http://127.0.0.1:{client}",
                f"--advertise-client-urls=http://127.0.0.1:{client}",
                f"--listen-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-cluster={peers}", "--initial-cluster-state=new",
            ]  # fmt: skip
            procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = start + 60
        while not all(_healthy(ports[2 * i]) for i in range(3)):
            if time.perf_counter() > deadline:
                raise RuntimeError("etcd baseline: members not healthy within 60 s")
            time.sleep(0.02)
        return time.perf_counter() - start
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def create_once(controlplanes: int, workers: int) -> float:
    """Wall time of one ``cluster create --wait``; the cluster is destroyed afterwards."""
    tag = os.urandom(3).hex()
    root = Path(tempfile.mkdtemp(prefix="ptbc", dir="/tmp"))
    common = ["--talosconfig", str(root / "talosconfig"), "cluster"]
    names = ["--name", f"b{tag}", "--state", str(root / "s")]
    cidr = f"10.{240 + int(tag[0], 16) % 10}.{int(tag[1:3], 16)}.0/24"
    argv = [*TALOSCTL, *common, "create", *names, "--cidr", cidr, "--wait-timeout", "2m"]
    argv += ["--controlplanes", str(controlplanes), "--workers", str(workers)]
    try:
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        took = time.perf_counter() - start
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-3:])
            raise RuntimeError(f"cluster create {controlplanes}+{workers} failed:\n{tail}")
        return took
    finally:
        subprocess.run([*TALOSCTL, *common, "destroy", *names, "--force"], capture_output=True, timeout=300)
        shutil.rmtree(root, ignore_errors=True)


def cluster_bench(runs: int) -> list[Row]:
    if os.geteuid() != 0 or not all(shutil.which(b) for b in ("ip", "nsenter", "containerd", "etcd")):
        print("bench cluster: skipped (needs root, iproute2, containerd and etcd)", file=sys.stderr)
        return []
    runs = max(1, min(runs, MAX_RUNS))
    baseline = statistics.median(etcd_alone() for _ in range(runs))
    rows = []
    for controlplanes, workers in ((1, 0), (3, 2)):
        try:
            took = statistics.median(create_once(controlplanes, workers) for _ in range(runs))
        except RuntimeError as exc:
            print(f"bench cluster: {exc}", file=sys.stderr)
            continue
        name = f"cluster create {controlplanes}+{workers} → healthy"
        rows.append(Row(name, took, "3-member etcd alone", baseline, TARGET))
    return rows


ALL = [cluster_bench]
