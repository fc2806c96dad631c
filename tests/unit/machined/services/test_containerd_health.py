"""The containerd health check retries within itself while a fresh containerd refuses connections on
its new socket, instead of failing and waiting a whole health period (5 s) for the next check."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest

from pytalos.machined.node.layout import NodeLayout
from pytalos.machined.services import containerd
from pytalos.machined.services.containerd import ContainerdService
from pytalos.machined.services.containerd_probe import ContainerdHealthError
from pytalos.machined.system import ServiceLogs

pytestmark = pytest.mark.unit


def _service(root: Path) -> ContainerdService:
    instance = NodeLayout(root).containerd
    instance.address.parent.mkdir(parents=True, exist_ok=True)
    instance.address.touch()  # the socket file exists: containerd created it but does not serve yet
    return ContainerdService(instance, ServiceLogs().get("containerd"))


def test_check_retries_while_containerd_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    probes: list[float] = []

    async def refuse_twice(address: Path, timeout: float) -> None:
        probes.append(timeout)
        if len(probes) <= 2:
            raise ContainerdHealthError(f"containerd at {address}: [Errno 111] Connection refused")

    monkeypatch.setattr(containerd, "check_serving", refuse_twice)
    with tempfile.TemporaryDirectory(prefix="pt-ctrd") as root:
        service = _service(Path(root))

        async def checked() -> None:
            await service.health_check()()

        asyncio.run(checked())
    assert len(probes) == 3 and all(t > 0 for t in probes)


def test_check_gives_up_within_its_timeout_with_the_last_error(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(address: Path, timeout: float) -> None:
        raise ContainerdHealthError(f"containerd at {address}: [Errno 111] Connection refused")

    monkeypatch.setattr(containerd, "check_serving", refuse)
    with tempfile.TemporaryDirectory(prefix="pt-ctrd") as root:
        service = _service(Path(root))

        async def timed() -> float:
            loop = asyncio.get_running_loop()
            start = loop.time()
            with pytest.raises(ContainerdHealthError, match="Connection refused"):
                await service.health_check()()
            return loop.time() - start

        took = asyncio.run(timed())
    assert took <= containerd.HEALTH.timeout
