"""The images of a containerd namespace, from containerd's own Images API and content store.

``MachineService.ImageList`` (Talos: ``client.ImageService().List`` then ``image.Size`` for the
default platform) needs each image's name, target digest, creation time and size. The list comes
from ``containerd.services.images.v1.Images/List`` over the instance's socket (grpcio, namespace in
the ``containerd-namespace`` metadata, messages decoded by hand as in :mod:`.client`). The size is
containerd's ``images.Size``: the target and every descriptor below it for this platform (index →
the ``linux/<arch>`` manifest → config and layers), read from the instance's content store on disk
(``<root>/io.containerd.content.v1.content/blobs/<alg>/<hex>``, containerd's local store layout);
a blob missing there (a partially pulled image) is counted by its descriptor size.

Pulls are not here: containerd has no server-side pull (its Go client resolves and fetches), so
:mod:`pytalos.machined.server.images` runs containerd's ``ctr images pull``.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc

from .client import ContainerdClient, ContainerdHealthError, decode_fields, decode_repeated

LIST_IMAGES = "/containerd.services.images.v1.Images/List"
NAMESPACE_METADATA = "containerd-namespace"
INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}


@dataclass(frozen=True)
class Descriptor:
    media_type: str
    digest: str
    size: int


@dataclass(frozen=True)
class ImageRecord:
    """An image as containerd's Images API lists it."""

    name: str
    target: Descriptor
    created_at: float  # seconds since the epoch


def _text(value: int | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else ""


def decode_descriptor(data: bytes) -> Descriptor:
    fields = decode_fields(data)
    size = fields.get(3, 0)
    return Descriptor(
        _text(fields.get(1, b"")), _text(fields.get(2, b"")), size if isinstance(size, int) else 0
    )


def decode_timestamp(data: bytes) -> float:
    fields = decode_fields(data)
    seconds, nanos = fields.get(1, 0), fields.get(2, 0)
    return (seconds if isinstance(seconds, int) else 0) + (nanos if isinstance(nanos, int) else 0) / 1e9


def decode_image(data: bytes) -> ImageRecord:
    name, target, created = "", Descriptor("", "", 0), 0.0
    for number, value in decode_repeated(data):
        if not isinstance(value, bytes):
            continue
        if number == 1:
            name = value.decode()
        elif number == 3:
            target = decode_descriptor(value)
        elif number == 7:
            created = decode_timestamp(value)
    return ImageRecord(name, target, created)


def decode_list_images(data: bytes) -> list[ImageRecord]:
    return [decode_image(v) for n, v in decode_repeated(data) if n == 1 and isinstance(v, bytes)]


def default_platform() -> tuple[str, str]:
    """containerd's ``platforms.Default()`` for this machine: (os, architecture)."""
    machine = platform.machine()
    return "linux", _ARCH.get(machine, machine)


class ContentStore:
    """containerd's local content store of one instance (``<root>/io.containerd.content.v1.content``)."""

    def __init__(self, instance_root: Path) -> None:
        self.blobs = instance_root / "io.containerd.content.v1.content" / "blobs"

    def read_json(self, digest: str) -> Any:
        alg, _, hexpart = digest.partition(":")
        path = self.blobs / alg / hexpart
        try:
            return json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            raise ContainerdHealthError(f"content store {self.blobs}: blob {digest}: {err}") from err

    def image_size(self, target: Descriptor, plat: tuple[str, str] | None = None) -> int:
        """``images.Size``: the target plus everything below it for ``plat`` (default: this machine)."""
        os_name, arch = plat or default_platform()
        total = 0
        pending = [target]
        while pending:
            desc = pending.pop()
            total += desc.size
            if desc.media_type not in INDEX_TYPES + MANIFEST_TYPES:
                continue
            doc = self.read_json(desc.digest)
            if not isinstance(doc, dict):
                continue
            if desc.media_type in INDEX_TYPES:
                for entry in doc.get("manifests") or ():
                    wanted = entry.get("platform") or {}
                    if not wanted or (wanted.get("os") == os_name and wanted.get("architecture") == arch):
                        pending.append(_descriptor(entry))
            else:
                config = doc.get("config")
                if isinstance(config, dict):
                    pending.append(_descriptor(config))
                pending.extend(_descriptor(layer) for layer in doc.get("layers") or ())
        return total


def _descriptor(entry: dict[str, Any]) -> Descriptor:
    return Descriptor(
        str(entry.get("mediaType", "")), str(entry.get("digest", "")), int(entry.get("size", 0))
    )


class ImageClient(ContainerdClient):
    """:class:`~.client.ContainerdClient` plus the namespaced Images API."""

    async def list_images(self, namespace: str) -> list[ImageRecord]:
        if self._channel is None:
            raise ContainerdHealthError(f"containerd at {self.address}: client is not open")
        if not self.address.exists():
            raise ContainerdHealthError(f"containerd at {self.address}: socket does not exist")
        call = self._channel.unary_unary(LIST_IMAGES)
        try:
            data = await call(b"", timeout=self.timeout, metadata=((NAMESPACE_METADATA, namespace),))
        except grpc.aio.AioRpcError as exc:
            raise ContainerdHealthError(
                f"containerd at {self.address}: listing images in {namespace!r}: {exc.code().name}: "
                f"{exc.details()}"
            ) from exc
        assert isinstance(data, bytes)
        try:
            return decode_list_images(data)
        except ValueError as exc:
            raise ContainerdHealthError(
                f"containerd at {self.address}: bad ListImagesResponse: {exc}"
            ) from exc
