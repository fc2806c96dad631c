"""The node's META owner: the image file, atomic replacement, MetaKeys resources, corrupt copies."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from pytalos.machined.node.meta import IMAGE_SIZE, FileMetaDevice, NodeMeta, StatePublisher, open_node_meta
from pytalos.machined.resources import meta_key
from pytalos.machined.runtime import State
from pytalos.machinery.meta import LENGTH, SIZE, decode, encode

pytestmark = pytest.mark.unit


async def _keys(state: State) -> dict[str, str]:
    items = await state.list(meta_key.NAMESPACE, meta_key.META_KEY_TYPE)
    return {r.metadata.id: r.spec.value for r in items}


def test_write_delete_publish_and_reload(tmp_path: Path) -> None:
    async def scenario() -> None:
        state = State()
        node_meta = await open_node_meta(tmp_path, state)
        assert node_meta is not None and node_meta.tags == {} and node_meta.loaded_copy == 0
        assert await node_meta.write(0x0C, b"hello")
        assert await node_meta.write(6, b"A")
        assert await _keys(state) == {"0x0c": "hello", "0x06": "A"}
        image = (tmp_path / "meta.img").read_bytes()
        assert len(image) == IMAGE_SIZE
        assert decode(image).tags == {12: b"hello", 6: b"A"}
        assert await node_meta.delete(6)
        assert not await node_meta.delete(6)
        assert await _keys(state) == {"0x0c": "hello"}
        # a new process: a fresh state, a stale resource the META no longer holds is removed
        state2 = State()
        await StatePublisher(state2).put("0x07", "stale")
        again = await open_node_meta(tmp_path, state2)
        assert again is not None and again.tags == {12: b"hello"} and again.loaded_copy == 1
        assert await _keys(state2) == {"0x0c": "hello"}

    asyncio.run(scenario())


def test_overflow_changes_nothing(tmp_path: Path) -> None:
    async def scenario() -> None:
        node_meta = NodeMeta(FileMetaDevice(tmp_path))
        await node_meta.load()
        assert await node_meta.write(12, b"x" * 1000)
        assert not await node_meta.write(13, b"y" * LENGTH)
        assert node_meta.tags == {12: b"x" * 1000}
        assert decode((tmp_path / "meta.img").read_bytes()).tags == {12: b"x" * 1000}

    asyncio.run(scenario())


def test_corrupt_first_copy_falls_back_and_next_write_repairs(tmp_path: Path) -> None:
    image = bytearray(encode({12: b"v"}).ljust(IMAGE_SIZE, b"\0"))
    image[100] ^= 0xFF
    image[-1] = 0x42  # bytes after the ADV (Talos's legacy ADV area) are kept as they are
    (tmp_path / "meta.img").write_bytes(bytes(image))

    async def scenario() -> None:
        node_meta = NodeMeta(FileMetaDevice(tmp_path))
        await node_meta.load()
        assert node_meta.tags == {12: b"v"} and node_meta.loaded_copy == 2
        assert "META copy 1: checksum mismatch" in str(node_meta.load_errors[0])
        assert await node_meta.write(13, b"w")

    asyncio.run(scenario())
    after = (tmp_path / "meta.img").read_bytes()
    assert decode(after).copy == 1 and decode(after).tags == {12: b"v", 13: b"w"}
    assert after[-1] == 0x42
    assert not [p for p in tmp_path.iterdir() if p.name != "meta.img"]  # no temporary file left


def test_both_copies_corrupt_starts_empty(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    image = bytearray(encode({12: b"v"}))
    image[10] ^= 1
    image[SIZE - 10] ^= 1
    (tmp_path / "meta.img").write_bytes(bytes(image))

    async def scenario() -> None:
        node_meta = NodeMeta(FileMetaDevice(tmp_path))
        await node_meta.load()
        assert node_meta.tags == {} and node_meta.loaded_copy == 0

    asyncio.run(scenario())
    assert "META: no readable copy: META copy 1: checksum mismatch" in caplog.text
