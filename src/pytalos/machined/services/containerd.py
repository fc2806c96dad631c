"""The system containerd (Talos ``services/containerd.go``): the real daemon with the rendered config.

Runs as a host process restarted forever; healthy when containerd's gRPC health service answers
``SERVING`` on the instance socket (:mod:`.containerd_probe`). ``pre`` renders the config under the
node root and removes a socket left by a previous (killed) instance, so a restart never trips over it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytalos.machined.containerd.config import ContainerdInstance, write_config
from pytalos.machined.system.health import HealthCheck, HealthSettings
from pytalos.machined.system.logs import LogWriter
from pytalos.machined.system.runner import Runner
from pytalos.machined.system.runner.process import ProcessOptions, ProcessRunner
from pytalos.machined.system.runner.restart import RestartOptions, RestartRunner
from pytalos.machined.system.service import Service

from .containerd_probe import ContainerdHealthError, check_serving

HEALTH = HealthSettings(initial_delay=0.05, period=5.0, timeout=2.0)
#: pause between two probes inside one check while containerd starts
HEALTH_RETRY = 0.05


async def wait_for_path(path: Path, timeout: float, interval: float = 0.02) -> None:
    """Return once ``path`` exists or ``timeout`` passed (the caller's check then says what is wrong)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not path.exists() and loop.time() < deadline:
        await asyncio.sleep(interval)


class ContainerdService(Service):
    id = "containerd"

    def __init__(self, instance: ContainerdInstance, log: LogWriter, binary: str = "containerd") -> None:
        self.instance = instance
        self.log = log
        self.binary = binary

    async def pre(self) -> None:
        write_config(self.instance)
        for sock in (self.instance.address, self.instance.ttrpc_address):
            sock.unlink(missing_ok=True)

    def runner(self) -> Runner:
        process = ProcessRunner(self.id, self.instance.command(self.binary), ProcessOptions(log=self.log))
        return RestartRunner(process, RestartOptions())

    def health_check(self) -> HealthCheck:
        async def check() -> None:
            # a fresh containerd needs a few hundred ms for its socket, and refuses connections for a
            # moment after creating it: wait and retry within this check rather than failing and
            # being looked at again only a whole period (5 s) later
            loop = asyncio.get_running_loop()
            deadline = loop.time() + HEALTH.timeout * 0.8
            await wait_for_path(self.instance.address, HEALTH.timeout * 0.8)
            while True:
                try:
                    await check_serving(self.instance.address, max(0.2, deadline - loop.time()))
                    return
                except ContainerdHealthError:
                    if loop.time() + HEALTH_RETRY >= deadline:
                        raise
                    await asyncio.sleep(HEALTH_RETRY)

        return check

    def health_settings(self) -> HealthSettings:
        return HEALTH
