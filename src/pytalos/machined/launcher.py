"""Start a node as a real process tree, optionally in a fresh network namespace, and take it down
without leaving anything behind.

:class:`NodeProcess` creates the namespace (``lo`` + a veth pair to the host with the given
addresses), starts ``python -m pytalos.machined --root DIR --netns NAME`` in its own session, and
stops it with SIGTERM (machined runs its Shutdown sequence, stopping every service in reverse
dependency order), SIGKILL after a grace period, then kills whatever still lives in the namespace or
still names the node root on its command line (a daemon orphaned by a killed machined), and deletes
the namespace. A Reboot of the node re-executes machined in place, so the launcher keeps the same PID.
A node started by an earlier process (``talosctl cluster create`` leaves its nodes running) is taken
over with :meth:`NodeProcess.attach` from its recorded PID, so ``cluster destroy`` stops it the same way.
Used by the node tests and by :mod:`pytalos.provision`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from . import netns
from .netns import IpRunner, NetnsSpec, run_ip

DEFAULT_STOP_TIMEOUT = 40.0


class LaunchError(RuntimeError):
    """The node could not be started or cleaned up; the message says which step and why."""


def _names(cmdline: bytes, needle: bytes) -> bool:
    """``needle`` occurs as a whole path: followed by the end of an argument or a ``/`` (so that
    ``/c/worker-1`` does not match ``/c/worker-10``)."""
    start = cmdline.find(needle)
    while start >= 0:
        end = start + len(needle)
        if end == len(cmdline) or cmdline[end : end + 1] in (b"\0", b"/"):
            return True
        start = cmdline.find(needle, start + 1)
    return False


def processes_naming(path: Path) -> list[int]:
    """PIDs (other than ours) whose command line names ``path`` or something below it."""
    needle = str(path).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if _names((entry / "cmdline").read_bytes(), needle):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def mounts_under(path: Path) -> list[str]:
    """Lines of ``/proc/mounts`` whose mount point is ``path`` or below it."""
    found = []
    for line in Path("/proc/mounts").read_text().splitlines():
        fields = line.split()
        if len(fields) > 1 and _names(fields[1].encode(), str(path).encode()):
            found.append(line)
    return found


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (an exited child nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _kill_all(pids: Sequence[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class NodeProcess:
    """One node: its root folder, its namespace (optional) and its machined process."""

    def __init__(
        self,
        root: Path,
        spec: NetnsSpec | None = None,
        extra_args: Sequence[str] = (),
        log_path: Path | None = None,
        python: str = sys.executable,
        ip: IpRunner = run_ip,
    ) -> None:
        self.root = root
        self.spec = spec
        self.extra_args = list(extra_args)
        self.log_path = log_path or root.parent / f"{root.name}.machined.log"
        self.python = python
        self._ip = ip
        self.process: subprocess.Popen[bytes] | None = None
        self._netns_created = False
        self._attached: int | None = None

    @classmethod
    def attach(
        cls,
        root: Path,
        spec: NetnsSpec | None,
        pid: int | None,
        log_path: Path | None = None,
        ip: IpRunner = run_ip,
    ) -> NodeProcess:
        """A node started by another process: ``pid`` (if known) is its machined; the namespace is
        treated as ours, so :meth:`cleanup` removes it."""
        node = cls(root, spec, log_path=log_path, ip=ip)
        node._attached = pid
        node._netns_created = spec is not None
        return node

    @property
    def pid(self) -> int:
        if self.process is not None:
            return self.process.pid
        if self._attached is not None:
            return self._attached
        raise LaunchError(f"node {self.root}: not started")

    def command(self) -> list[str]:
        argv = [self.python, "-m", "pytalos.machined", "--root", str(self.root)]
        if self.spec is not None:
            argv += ["--netns", self.spec.name]
        return argv + self.extra_args

    def create_netns(self) -> None:
        if self.spec is not None and not self._netns_created:
            netns.create(self.spec, self._ip)
            self._netns_created = True

    def start(self) -> None:
        """Create the namespace if needed and start machined (returns at once)."""
        self.create_netns()
        self.root.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return self._attached is not None and self._attached_is_ours()

    def _attached_is_ours(self) -> bool:
        """The attached PID is alive and still this node's machined (PIDs get reused)."""
        assert self._attached is not None
        if not pid_alive(self._attached):
            return False
        try:
            cmdline = Path(f"/proc/{self._attached}/cmdline").read_bytes()
        except OSError:
            return False
        return _names(cmdline, str(self.root).encode())

    def send_signal(self, sig: signal.Signals) -> None:
        if self.process is not None and self.running():
            self.process.send_signal(sig)
        elif self._attached is not None and self.running():
            os.kill(self._attached, sig)

    def _stop_attached(self, timeout: float) -> None:
        if not self.running():
            return
        assert self._attached is not None
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._attached, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while pid_alive(self._attached) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_alive(self._attached):
            _kill_all([self._attached])

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> int | None:
        """SIGTERM machined and wait for its Shutdown; SIGKILL after ``timeout``; returns its exit code
        (``None`` for an attached node: its exit code belongs to its parent).

        Keeps the namespace (a later :meth:`start` reuses it); :meth:`cleanup` removes everything.
        """
        if self.process is None:
            if self._attached is not None:
                self._stop_attached(timeout)
                self._kill_leftovers()
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._kill_leftovers()
        return self.process.returncode

    def _kill_leftovers(self) -> None:
        deadline = time.monotonic() + 10
        while True:
            pids = set(processes_naming(self.root))
            if self.spec is not None:
                pids.update(netns.pids_in(self.spec.name))
            pids.discard(os.getpid())
            if not pids:
                return
            if time.monotonic() > deadline:
                raise LaunchError(f"node {self.root}: processes {sorted(pids)} survive SIGKILL")
            _kill_all(sorted(pids))
            time.sleep(0.05)

    def cleanup(self) -> None:
        """Stop the node if needed, kill every leftover, delete the namespace; verify nothing is left."""
        self.stop()
        self._kill_leftovers()
        if self.spec is not None and self._netns_created:
            netns.delete(self.spec, self._ip)
            self._netns_created = False
            if netns.exists(self.spec.name):
                raise LaunchError(f"node {self.root}: network namespace {self.spec.name} still exists")
        mounted = mounts_under(self.root)
        if mounted:
            raise LaunchError(f"node {self.root}: mounts left behind: {mounted}")

    def __enter__(self) -> NodeProcess:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()
