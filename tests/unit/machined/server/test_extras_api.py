"""Pure parts of the image, CPU frequency and legacy etcd methods (real nodes: tests/node/cli/
test_machine_api_extras.py): reference normalisation, containerd message decoding, image sizes from
a content store, sysfs cpufreq reading, removing an etcd member by name."""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from grpclib.exceptions import GRPCError

from pytalos.api.gen.common import common_pb2
from pytalos.machined.containerd.images import ContentStore, Descriptor, decode_list_images
from pytalos.machined.server.cpufreq import cpu_freq_stats
from pytalos.machined.server.etcd_legacy import MemberNotFoundError, remove_member_by_name
from pytalos.machined.server.images import containerd_namespace, normalize_reference

pytestmark = pytest.mark.unit


def test_references_are_normalised_like_docker() -> None:
    assert normalize_reference("alpine") == "docker.io/library/alpine:latest"
    assert normalize_reference("alpine:3") == "docker.io/library/alpine:3"
    assert normalize_reference("siderolabs/talos") == "docker.io/siderolabs/talos:latest"
    assert normalize_reference("ghcr.io/siderolabs/kubelet:v1.30") == "ghcr.io/siderolabs/kubelet:v1.30"
    assert normalize_reference("localhost:5000/x") == "localhost:5000/x:latest"
    assert normalize_reference("alpine@sha256:ab") == "docker.io/library/alpine@sha256:ab"
    assert containerd_namespace(common_pb2.NS_SYSTEM) == "system"
    assert containerd_namespace(common_pb2.NS_CRI) == "k8s.io"
    with pytest.raises(GRPCError, match="unsupported namespace"):
        containerd_namespace(common_pb2.NS_UNKNOWN)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return bytes([number << 3 | 2, len(payload)]) + payload


def test_list_images_response_is_decoded() -> None:
    descriptor = (
        _field(1, b"application/vnd.oci.image.manifest.v1+json") + _field(2, b"sha256:ab") + b"\x18\x2a"
    )
    created = b"\x08" + _varint(1_700_000_000) + b"\x10" + _varint(500_000_000)
    image = _field(1, b"docker.io/x:v1") + _field(3, descriptor) + _field(7, created)
    [decoded] = decode_list_images(_field(1, image))
    assert decoded.name == "docker.io/x:v1"
    assert decoded.target == Descriptor("application/vnd.oci.image.manifest.v1+json", "sha256:ab", 42)
    assert decoded.created_at == 1_700_000_000.5


def _put(blobs: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    (blobs / digest).write_bytes(data)
    return f"sha256:{digest}"


def test_image_size_walks_index_manifest_config_and_layers(tmp_path: Path) -> None:
    blobs = tmp_path / "io.containerd.content.v1.content" / "blobs" / "sha256"
    blobs.mkdir(parents=True)
    layer, config = b"x" * 100, b"{}"
    manifest = json.dumps(
        {
            "config": {"mediaType": "c", "digest": _put(blobs, config), "size": len(config)},
            "layers": [{"mediaType": "l", "digest": _put(blobs, layer), "size": len(layer)}],
        }
    ).encode()
    m_type = "application/vnd.oci.image.manifest.v1+json"
    other = {
        "mediaType": m_type,
        "digest": "sha256:00",
        "size": 7,
        "platform": {"os": "linux", "architecture": "s390x"},
    }
    index = json.dumps(
        {
            "manifests": [
                {
                    "mediaType": m_type,
                    "digest": _put(blobs, manifest),
                    "size": len(manifest),
                    "platform": {"os": "linux", "architecture": "amd64"},
                },
                other,
            ]
        }
    ).encode()
    store = ContentStore(tmp_path)
    target = Descriptor("application/vnd.oci.image.index.v1+json", _put(blobs, index), len(index))
    assert store.image_size(target, ("linux", "amd64")) == len(index) + len(manifest) + len(config) + len(
        layer
    )
    assert store.image_size(target, ("linux", "s390x")) == len(index) + 7  # that manifest is not local


def test_cpufreq_reads_sysfs_and_tolerates_missing_values(tmp_path: Path) -> None:
    assert cpu_freq_stats(tmp_path) == []
    for cpu, files in (
        (
            "cpu1",
            {
                "cpuinfo_cur_freq": "1200000",
                "cpuinfo_min_freq": "800000",
                "cpuinfo_max_freq": "3600000",
                "scaling_governor": "powersave",
            },
        ),
        ("cpu0", {"cpuinfo_min_freq": "800000", "cpuinfo_max_freq": "3600000"}),
        ("cpufreq", {}),
    ):
        (tmp_path / cpu / "cpufreq").mkdir(parents=True)
        for name, value in files.items():
            (tmp_path / cpu / "cpufreq" / name).write_text(value + "\n")
    first, second = cpu_freq_stats(tmp_path)
    assert first.current_frequency == 0 and first.governor == ""  # cpu0: no current frequency
    assert (second.current_frequency, second.minimum_frequency, second.maximum_frequency) == (
        1200000,
        800000,
        3600000,
    )
    assert second.governor == "powersave"


@dataclass
class _Member:
    id: int
    name: str


@dataclass
class _Client:
    members: list[_Member]
    removed: list[int] = field(default_factory=list)

    async def member_list(self) -> list[_Member]:
        return self.members

    async def member_remove(self, member_id: int) -> None:
        self.removed.append(member_id)


def test_remove_member_by_name() -> None:
    client = _Client([_Member(1, "cp-1"), _Member(2, "cp-2")])
    assert asyncio.run(remove_member_by_name(client, "cp-2")) == 2
    assert client.removed == [2]
    with pytest.raises(MemberNotFoundError, match='failed to find "cp-3" in list of etcd members'):
        asyncio.run(remove_member_by_name(client, "cp-3"))
