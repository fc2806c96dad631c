"""A real containerd (Debian's 1.6) started with the rendered config in a temporary node root."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pytalos.machined.containerd.client import ContainerdClient, ContainerdHealthError, ServingStatus
from pytalos.machined.containerd.config import ContainerdInstance, cri_instance, system_instance, write_config

from . import _daemons

pytestmark = pytest.mark.node


@pytest.fixture
def node_root() -> Iterator[Path]:
    """A short root under /tmp: containerd's socket path must stay under 108 bytes."""
    _daemons.require_root_and("containerd", "runc")
    root = Path(tempfile.mkdtemp(prefix="ptctd-", dir="/tmp"))
    try:
        yield root
    finally:
        leftovers = _daemons.kill_leftovers(root)
        mounted = [line for line in Path("/proc/mounts").read_text().splitlines() if str(root) in line]
        shutil.rmtree(root, ignore_errors=True)
        assert not leftovers, f"processes (daemon or shims) left under {root}: {leftovers}"
        assert not mounted, f"mounts left under {root}: {mounted}"


async def _wait_serving(instance: ContainerdInstance, timeout: float = 20.0) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with ContainerdClient(instance.address, timeout=2.0) as client:
        while True:
            try:
                assert await client.serving_status() is ServingStatus.SERVING
                await client.check()
                return (await client.version()).version
            except ContainerdHealthError:
                if loop.time() > deadline:
                    raise
                await asyncio.sleep(0.1)


@pytest.mark.parametrize("make", [system_instance, cri_instance], ids=["system", "cri"])
def test_containerd_serves_and_stops(node_root: Path, make: Callable[[Path], ContainerdInstance]) -> None:
    instance = make(node_root)
    write_config(instance)
    log = node_root / f"{instance.name}.log"
    proc = _daemons.start(instance.command(), log)
    try:
        version = asyncio.run(_wait_serving(instance))
    except Exception as exc:
        raise AssertionError(f"{exc}\n--- containerd log ---\n{log.read_text()[-4000:]}") from exc
    finally:
        _daemons.stop_process(proc)
    assert version.startswith("1.")
    assert proc.returncode is not None
    assert _daemons.processes_referencing(node_root) == []

    async def after_stop() -> None:
        async with ContainerdClient(instance.address, timeout=1.0) as client:
            await client.check()

    with pytest.raises(ContainerdHealthError, match=str(instance.address)):
        asyncio.run(after_stop())
