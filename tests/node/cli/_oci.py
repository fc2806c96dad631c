"""A small OCI image archive built from host files, for ``ctr images import`` in node tests.

The image holds ``/bin/sleep``, ``/bin/dash`` and the two libraries they link (``ld-linux``, ``libc``), so a
container started from it can run ``/bin/sleep``; no registry is involved (none is reachable here).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

FILES = ("/bin/sleep", "/bin/dash", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2")


@dataclass(frozen=True)
class OciArchive:
    path: Path
    name: str
    manifest_digest: str
    #: containerd's ``images.Size`` of the imported image: manifest + config + layer
    size: int


def _blob(data: bytes) -> tuple[str, bytes]:
    return "sha256:" + hashlib.sha256(data).hexdigest(), data


def _tar_add(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 1_700_000_000
    tar.addfile(info, io.BytesIO(data))


def build(path: Path, name: str) -> OciArchive:
    """Write the archive at ``path``; the image is called ``name`` (a full reference)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as layer:
        for file in FILES:
            real = Path(file).resolve()
            _tar_add(layer, file.lstrip("/"), real.read_bytes(), 0o755)
    layer_tar = raw.getvalue()
    layer_digest, layer_blob = _blob(layer_tar)
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Cmd": ["/bin/sleep", "1000"]},
            "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        }
    ).encode()
    config_digest, config_blob = _blob(config)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config_digest,
                "size": len(config_blob),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": layer_digest,
                    "size": len(layer_blob),
                }
            ],
        }
    ).encode()
    manifest_digest, manifest_blob = _blob(manifest)
    index = json.dumps(
        {
            "schemaVersion": 2,
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": manifest_digest,
                    "size": len(manifest_blob),
                    "annotations": {"io.containerd.image.name": name},
                    "platform": {"architecture": "amd64", "os": "linux"},
                }
            ],
        }
    ).encode()
    with tarfile.open(path, "w") as out:
        _tar_add(out, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        _tar_add(out, "index.json", index)
        for digest, blob in (
            (layer_digest, layer_blob),
            (config_digest, config_blob),
            (manifest_digest, manifest_blob),
        ):
            _tar_add(out, f"blobs/sha256/{digest.split(':')[1]}", blob)
    size = len(manifest_blob) + len(config_blob) + len(layer_blob)
    return OciArchive(path, name, manifest_digest, size)
