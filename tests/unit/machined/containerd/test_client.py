"""containerd health client: the hand-written protobuf decoding and errors without a server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pytalos.machined.containerd.client import (
    ContainerdClient,
    ContainerdHealthError,
    ServingStatus,
    decode_fields,
    decode_health,
    decode_version,
)


def test_decode_health() -> None:
    assert decode_health(b"\x08\x01") is ServingStatus.SERVING
    assert decode_health(b"\x08\x02") is ServingStatus.NOT_SERVING
    assert decode_health(b"") is ServingStatus.UNKNOWN  # proto3 default
    assert decode_health(b"\x08\x63") is ServingStatus.UNKNOWN


def test_decode_version_and_unknown_fields() -> None:
    data = b"\x0a\x061.6.20\x12\x03abc" + b"\x1d\x00\x00\x00\x00" + b"\x21" + bytes(8)
    assert decode_version(data).version == "1.6.20"
    assert decode_version(data).revision == "abc"


@pytest.mark.parametrize("data", [b"\x08", b"\x0a\x05ab", b"\x0b"])
def test_decode_rejects_truncated(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_fields(data)


def test_missing_socket_is_named(tmp_path: Path) -> None:
    sock = tmp_path / "containerd.sock"

    async def probe() -> None:
        async with ContainerdClient(sock, timeout=1) as client:
            await client.check()

    with pytest.raises(ContainerdHealthError, match=f"containerd at {sock}: socket does not exist"):
        asyncio.run(probe())
