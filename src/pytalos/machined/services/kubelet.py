"""kubelet: Talos runs it as a container from ``ghcr.io/siderolabs/kubelet`` (``services/kubelet.go``).

No registry is reachable from pytalos's machines and no Kubernetes binaries can be had, so the
service looks for the configured kubelet image in the node's containerd (``ctr images ls``) and ends
Skipped with the plain reason when it is absent. Running the image once present needs the container
runner of the CRI issue, so a present image is reported as such and skipped too, never faked.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pytalos.machined.system.runner import Runner
from pytalos.machined.system.service import Service, SkipService

NO_IMAGE = "kubelet image not present in the node's containerd (no registry is reachable)"
#: containerd namespaces where an image for kubelet may have been imported.
NAMESPACES = ("system", "k8s.io")


class KubeletService(Service):
    id = "kubelet"

    def __init__(self, image: str, containerd_address: Path, ctr: str = "ctr") -> None:
        self.image = image
        self.address = containerd_address
        self.ctr = ctr

    def depends_on(self) -> tuple[str, ...]:
        return ("containerd",)

    async def _images(self, namespace: str) -> list[str]:
        proc = await asyncio.create_subprocess_exec(
            self.ctr,
            "--address",
            str(self.address),
            "--namespace",
            namespace,
            "images",
            "ls",
            "-q",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        if proc.returncode != 0:
            text = err.decode(errors="replace").strip()
            raise RuntimeError(f"listing images in containerd at {self.address} ({namespace}): {text}")
        return out.decode().split()

    async def pre(self) -> None:
        for namespace in NAMESPACES:
            if self.image in await self._images(namespace):
                raise SkipService(
                    f"kubelet image {self.image} is present, but running containers comes with the CRI issue"
                )
        raise SkipService(NO_IMAGE)

    def runner(self) -> Runner | None:
        return None
