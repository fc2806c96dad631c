"""The discovery service of a local cluster: one ``python -m pytalos.discovery`` on the bridge gateway.

Talos nodes find each other through ``discovery.talos.dev``, which a local cluster cannot reach; the
provisioner therefore runs its own service on ``<gateway>:3000`` (plain HTTP/2: the bridge is
private and affiliates are encrypted by the nodes) and points every node's config at it
(:func:`discovery_patch`). The process is detached (its own session), logs to
``<state>/<cluster>/discovery.log`` and names that file on its command line, so a leftover is found
by the state directory like the nodes' processes; its PID is in the state file for ``destroy``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from pytalos.machined.launcher import pid_alive, processes_naming
from pytalos.machinery.config.container import Container
from pytalos.machinery.config.patch import Patch, load_patch

from . import ProvisionError
from .state import ClusterState

DISCOVERY_PORT = 3000
LOG_FILE = "discovery.log"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def discovery_endpoint(gateway: str) -> str:
    """The URL the nodes register with: ``http://<gateway>:3000``."""
    return f"http://{gateway}:{DISCOVERY_PORT}"


def discovery_patch(base: Container, endpoint: str) -> Patch:
    """Enable discovery through ``endpoint`` only: the ``DiscoveryServiceConfig`` document where the
    config has one (Talos 1.14+ contracts), else ``cluster.discovery`` (service registry at the
    endpoint, Kubernetes registry disabled)."""
    if base.get("DiscoveryServiceConfig") is not None:
        text = f"apiVersion: v1alpha1\nkind: DiscoveryServiceConfig\nname: default\nendpoint: {endpoint}\n"
    else:
        text = (
            "cluster:\n  discovery:\n    enabled: true\n    registries:\n"
            f"      kubernetes:\n        disabled: true\n      service:\n        endpoint: {endpoint}\n"
        )
    return load_patch(text, f"<discovery service {endpoint}>")


def log_path(state: ClusterState) -> Path:
    return Path(state.directory) / LOG_FILE


def command(state: ClusterState, python: str) -> list[str]:
    listen = f"{state.gateway}:{DISCOVERY_PORT}"
    return [python, "-m", "pytalos.discovery", "--listen", listen, "--log-file", str(log_path(state))]


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _listening(path: Path) -> bool:
    try:
        return "discovery service listening on" in path.read_text(errors="replace")
    except OSError:
        return False


def spawn_discovery(state: ClusterState, python: str) -> subprocess.Popen[bytes]:
    """Start the service detached (returns at once: record its PID, then :func:`wait_discovery`)."""
    with log_path(state).open("ab") as log:
        return subprocess.Popen(
            command(state, python),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def wait_discovery(
    state: ClusterState, proc: subprocess.Popen[bytes], timeout: float = START_TIMEOUT
) -> None:
    """Wait until the service logged that it listens and accepts a connection; the error names the
    address, the exit code or the timeout, and the end of its log."""
    path = log_path(state)
    deadline = time.monotonic() + timeout
    while True:
        code = proc.poll()
        if code is not None:
            raise ProvisionError(
                f"discovery service on {state.gateway}:{DISCOVERY_PORT} exited with {code} "
                f"({path}: {_tail(path) or 'no output'})"
            )
        if _listening(path):  # logged once bound: a foreign listener on the port cannot fool this
            with contextlib.suppress(OSError), socket.create_connection((state.gateway, DISCOVERY_PORT), 0.5):
                break
        if time.monotonic() > deadline:
            raise ProvisionError(
                f"discovery service on {state.gateway}:{DISCOVERY_PORT} did not accept connections "
                f"within {timeout:.0f}s ({path}: {_tail(path) or 'no output'})"
            )
        time.sleep(0.05)
    proc.returncode = 0  # detached on purpose: `cluster destroy` stops it by PID (no ResourceWarning)


def discovery_pids(state: ClusterState) -> list[int]:
    """Running processes of this cluster's discovery service: the recorded PID if it is still the
    service (PIDs get reused), and anything naming its log file (a start interrupted before the PID
    was recorded)."""
    pids = set(processes_naming(log_path(state)))
    pid = state.discovery_pid
    if pid is not None and pid_alive(pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            cmdline = b""
        if b"pytalos.discovery" in cmdline and str(log_path(state)).encode() in cmdline:
            pids.add(pid)
    return sorted(p for p in pids if pid_alive(p))


def discovery_running(state: ClusterState) -> bool:
    return bool(discovery_pids(state))


def stop_discovery(state: ClusterState, timeout: float = STOP_TIMEOUT) -> str:
    """SIGTERM the service, SIGKILL after ``timeout``; ``""`` or what survived."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        pids = discovery_pids(state)
        if not pids:
            return ""
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            for pid in pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)  # reap it when we are its parent
            if not discovery_pids(state):
                return ""
            time.sleep(0.05)
    return f"discovery service: processes {discovery_pids(state)} survive SIGKILL"
