"""Run a service as a host process (Talos ``runner/process``): containerd, udevd, cri, dashboard.

The process gets its own session and process group, so stopping the service reaches everything it
spawned: SIGTERM to the group, SIGKILL after the graceful timeout, and once the main process is gone
any leftover member of its group is killed too. stdout and stderr go to the service log. Optionally
the process runs inside a network namespace given by path (``nsenter --net=PATH``), the way pytalos
nodes run side by side on one host.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pytalos.machined.system.events import Recorder, ServiceState
from pytalos.machined.system.logs import LogWriter
from pytalos.machined.system.runner import RunnerError

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT = 10.0
_READ_CHUNK = 64 * 1024
_DRAIN_TIMEOUT = 1.0


class _NullLog:
    def write(self, data: bytes) -> None:
        pass


@dataclass
class ProcessOptions:
    """How to launch the process."""

    env: Mapping[str, str] = field(default_factory=dict)
    inherit_env: bool = True
    cwd: str | None = None
    uid: int | None = None
    gid: int | None = None
    netns: str | None = None  # path of a network namespace (e.g. /run/netns/node1)
    nsenter: str = "nsenter"
    graceful_shutdown_timeout: float = DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT
    log: LogWriter = field(default_factory=_NullLog)


class ProcessExitError(RunnerError):
    """The process ended on its own with a failure; text like Go's ``exec.ExitError``."""

    def __init__(self, runner: str, returncode: int) -> None:
        self.runner = runner
        self.returncode = returncode
        if returncode < 0:
            description = signal.strsignal(-returncode) or f"signal {-returncode}"
            text = f"signal: {description.lower()}"  # Go: "signal: killed", "signal: terminated"
        else:
            text = f"exit status {returncode}"
        super().__init__(text)


class ProcessRunner:
    """Runner for ``argv`` as a host process; see the module docstring."""

    def __init__(self, service_id: str, argv: Sequence[str], options: ProcessOptions | None = None) -> None:
        if not argv:
            raise ValueError(f"service {service_id}: process runner needs a command")
        self.service_id = service_id
        self.argv = list(argv)
        self.options = options or ProcessOptions()
        self._stop = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.pid: int | None = None

    def __str__(self) -> str:
        return f"Process({self.argv!r})"

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def stop(self) -> None:
        self._stop.set()
        await self._idle.wait()

    def command(self) -> list[str]:
        """The command actually executed (``nsenter`` prefix when a netns is given)."""
        if self.options.netns is None:
            return list(self.argv)
        return [self.options.nsenter, f"--net={self.options.netns}", "--", *self.argv]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ) if self.options.inherit_env else {}
        env.setdefault("PATH", DEFAULT_PATH)
        env.update(self.options.env)
        return env

    async def run(self, recorder: Recorder) -> None:
        if self._stop.is_set():
            return
        self._idle.clear()
        try:
            await self._run(recorder)
        finally:
            self.pid = None
            self._idle.set()

    async def _run(self, recorder: Recorder) -> None:
        try:
            process = await asyncio.create_subprocess_exec(
                *self.command(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                env=self.environment(),
                cwd=self.options.cwd,
                user=self.options.uid,
                group=self.options.gid,
                # switching identity also drops machined's supplementary groups
                extra_groups=[] if self.options.uid is not None or self.options.gid is not None else None,
                start_new_session=True,
            )
        except OSError as err:
            raise RunnerError(f"error starting {self}: {err}") from err
        self.pid = process.pid
        assert process.stdout is not None
        pump = asyncio.create_task(self._pump(process.stdout))
        recorder(ServiceState.RUNNING, f"Process {self} started with PID {process.pid}")
        stopped = False
        exited = asyncio.create_task(process.wait())
        stop_requested = asyncio.create_task(self._stop.wait())
        try:
            await asyncio.wait({exited, stop_requested}, return_when=asyncio.FIRST_COMPLETED)
            if not exited.done():
                stopped = True
                await self._terminate(process, exited, recorder)
            returncode = await exited
        finally:
            stop_requested.cancel()
            if process.returncode is None:  # cancelled from outside: never leave it running
                _killpg(process.pid, signal.SIGKILL)
                await process.wait()
            exited.cancel()
            _killpg(process.pid, signal.SIGKILL)  # leftovers of the group
            await _drain(pump)
        if stopped or returncode == 0:
            return
        raise ProcessExitError(str(self), returncode)

    async def _terminate(
        self, process: asyncio.subprocess.Process, exited: asyncio.Task[int], recorder: Recorder
    ) -> None:
        recorder(ServiceState.STOPPING, f"Sending SIGTERM to {self}")
        _killpg(process.pid, signal.SIGTERM)
        done, _ = await asyncio.wait({exited}, timeout=self.options.graceful_shutdown_timeout)
        if done:
            return
        recorder(ServiceState.STOPPING, f"Sending SIGKILL to {self}")
        _killpg(process.pid, signal.SIGKILL)

    async def _pump(self, stream: asyncio.StreamReader) -> None:
        while chunk := await stream.read(_READ_CHUNK):
            self.options.log.write(chunk)


def _killpg(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def _drain(pump: asyncio.Task[None]) -> None:
    """Let the output pump reach EOF; a descendant that escaped the group cannot hold us forever."""
    done, _ = await asyncio.wait({pump}, timeout=_DRAIN_TIMEOUT)
    if not done:
        pump.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await pump
