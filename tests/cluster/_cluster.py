"""Helpers of the cluster tier: a local cluster driven through ``talosctl cluster``, with a unique name,
CIDR and state folder so tests can run beside other engineers' clusters on one machine, and a
finalizer (:func:`new_cluster`) that destroys whatever the test left and fails when that leaves
something behind. :func:`leftovers` lists what of a cluster still exists (processes, namespaces,
veths, bridge, mounts); :func:`wait_for` is the bounded wait whose failure names what was awaited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pytalos.machined.launcher import mounts_under, processes_naming
from pytalos.provision.provisioner import NetnsProvisioner
from pytalos.provision.state import ClusterState, read_state
from tests.node.machined import _daemons

TALOSCTL = [sys.executable, "-c", "from pytalos.cli.main import main; main()"]
T = TypeVar("T")


@dataclass
class Cluster:
    name: str
    state_root: Path
    cidr: str
    talosconfig: Path

    def talosctl(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*TALOSCTL, "--talosconfig", str(self.talosconfig), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def cluster(self, verb: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return self.talosctl(
            "cluster", verb, "--name", self.name, "--state", str(self.state_root), *args, timeout=timeout
        )

    def state(self) -> ClusterState:
        return read_state(self.state_root, self.name)


def leftovers(state: ClusterState) -> list[str]:
    found = NetnsProvisioner().leftovers(state)
    found += [f"processes naming {state.directory}"] if processes_naming(Path(state.directory)) else []
    found += [f"mounts under {state.directory}"] if mounts_under(Path(state.directory)) else []
    return found


def unique_cluster(root: Path, name_prefix: str = "c") -> Cluster:
    """Names and a random ``10.2xx.N.0/24`` CIDR for a cluster whose files go under ``root``."""
    tag = os.urandom(3).hex()
    cidr = f"10.{200 + int(tag[0], 16)}.{int(tag[1:3], 16)}.0/24"
    return Cluster(f"{name_prefix}{tag}", root / "s", cidr, root / "talosconfig")


@contextmanager
def new_cluster(name_prefix: str = "c") -> Iterator[Cluster]:
    """A cluster not created yet; on exit it is destroyed if its state still exists (the destroy must
    leave nothing behind) and its temporary folder removed."""
    _daemons.require_root_and("ip", "nsenter", "containerd", "etcd")
    root = Path(tempfile.mkdtemp(prefix="ptc", dir="/tmp"))
    created = unique_cluster(root, name_prefix)
    try:
        yield created
    except BaseException:
        print_node_logs(created)
        raise
    finally:
        destroy_leftover(created)
    shutil.rmtree(root, ignore_errors=True)


def destroy_leftover(cluster: Cluster) -> None:
    """Destroy ``cluster`` if its state directory still exists, with ``talosctl cluster destroy
    --force`` (a subprocess: the state file is read by the current code even while the state format
    changes under a running test session); fail if that leaves anything behind. The temporary folder
    is only removed after this succeeded, so a failed destroy keeps the state for a manual retry."""
    directory = cluster.state_root / cluster.name
    if not directory.exists():
        return
    try:
        state: ClusterState | None = cluster.state()
    except Exception:
        state = None
    done = cluster.cluster("destroy", "--force", timeout=180)
    assert done.returncode == 0, f"finalizer: cluster destroy {cluster.name}: {done.stderr}"
    assert not directory.exists(), f"finalizer: {directory} survived cluster destroy"
    if state is not None:
        assert leftovers(state) == [], leftovers(state)


def print_node_logs(cluster: Cluster, lines: int = 25) -> None:
    """The last lines of every node's machined log (on stdout: pytest shows it with the failure)."""
    try:
        state = cluster.state()
    except Exception:
        return
    for node in state.nodes:
        try:
            tail = Path(node.log).read_text(errors="replace").splitlines()[-lines:]
        except OSError as exc:
            tail = [f"(no log: {exc})"]
        print(f"--- {node.log} (last {lines} lines)", *tail, sep="\n")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, interval: float = 0.5) -> T:
    """Call ``probe`` until it returns something other than ``None``/``False``; after ``timeout``
    seconds fail naming ``what`` and the last exception raised by ``probe``, if any."""
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        try:
            result = probe()
        except (AssertionError, OSError, subprocess.SubprocessError, ValueError) as exc:
            result, last = None, f"{type(exc).__name__}: {exc}"
        if result is not None and result is not False:
            return result
        if time.monotonic() > deadline:
            detail = f"; last: {last}" if last else ""
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}{detail}")
        time.sleep(interval)
