"""The node's META: the owner of its ADV tags (Talos's ``internal/pkg/meta``), on a :class:`MetaDevice`.

Talos keeps META on its own 1 MiB partition with the ADV (:mod:`pytalos.machinery.meta.adv`, two
256 KiB copies) at offset 0. A pytalos node without a disk keeps the very same bytes in an image file,
``<node>/meta/meta.img`` (:class:`FileMetaDevice`, 1 MiB like the partition); the disk install points
a block-device :class:`MetaDevice` at the real ``META`` partition and nothing else changes. The image
is replaced atomically (temporary file, fsync, rename), so a crash leaves the old or the new image.
Talos also writes a legacy syslinux ADV at the end of the partition; pytalos does not (nothing here
reads it) and keeps the bytes after the ADV as they were.

:class:`NodeMeta` loads the tags at boot (from the first good copy; a node whose copies are both
unreadable starts with an empty META, as Talos does, and logs both causes), publishes one
``MetaKeys.runtime.talos.dev`` resource per tag and keeps them in step with every write and delete.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any, Protocol

from pytalos.machined.runtime import AlreadyExistsError, NotFoundError, Pointer, Resource
from pytalos.machinery.meta import SIZE, ADVError, decode, encode, fits, key_id

from ..state.atomicfile import write_atomic

log = logging.getLogger("pytalos.machined.meta")

#: Talos's META partition size.
IMAGE_SIZE = 1024 * 1024
IMAGE_NAME = "meta.img"


class MetaDevice(Protocol):
    """Where the META bytes live: an image file today, the ``META`` partition after install."""

    def read(self) -> bytes | None:
        """The whole area, or None when there is no META yet."""
        ...

    def write(self, adv: bytes) -> None:
        """Store ``adv`` (:data:`SIZE` bytes) at offset 0 durably; the rest of the area is kept."""
        ...


class FileMetaDevice:
    """:class:`MetaDevice` over ``<dir>/meta.img`` (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / IMAGE_NAME

    def read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def write(self, adv: bytes) -> None:
        current = self.read() or b""
        image = bytearray(current.ljust(IMAGE_SIZE, b"\0"))
        image[: len(adv)] = adv
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, bytes(image))


class KeyPublisher(Protocol):
    async def put(self, key: str, value: str) -> None: ...

    async def remove(self, key: str) -> None: ...

    async def keys(self) -> set[str]: ...


class StatePublisher:
    """:class:`KeyPublisher` writing ``MetaKeys`` into machined's resource state."""

    def __init__(self, state: Any) -> None:
        self.state = state

    async def put(self, key: str, value: str) -> None:
        from pytalos.machined.resources import meta_key

        spec = meta_key.MetaKeySpec(value)
        try:
            await self.state.create(Resource.new(meta_key.NAMESPACE, meta_key.META_KEY_TYPE, key, spec))
        except AlreadyExistsError:

            def replace(current: Resource[Any]) -> None:
                current.spec = spec

            ptr = Pointer(meta_key.NAMESPACE, meta_key.META_KEY_TYPE, key)
            await self.state.update_with_conflicts(ptr, replace)

    async def remove(self, key: str) -> None:
        from pytalos.machined.resources import meta_key

        with contextlib.suppress(NotFoundError):
            await self.state.destroy(Pointer(meta_key.NAMESPACE, meta_key.META_KEY_TYPE, key))

    async def keys(self) -> set[str]:
        from pytalos.machined.resources import meta_key

        items = await self.state.list(meta_key.NAMESPACE, meta_key.META_KEY_TYPE)
        return {r.metadata.id for r in items}


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


class NodeMeta:
    """The META owner (see the module docstring); every change is flushed before it returns."""

    def __init__(self, device: MetaDevice, publisher: KeyPublisher | None = None) -> None:
        self.device = device
        self.publisher = publisher
        self.tags: dict[int, bytes] = {}
        #: the copy the tags were loaded from (0: no META yet or unreadable)
        self.loaded_copy = 0
        #: why a copy could not be read at load
        self.load_errors: tuple[ADVError, ...] = ()
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        async with self._lock:
            area = await asyncio.to_thread(self.device.read)
            if area is None or len(area) < SIZE:
                self.tags, self.loaded_copy = {}, 0
                if area is not None:
                    log.error("META: %d bytes, shorter than the ADV (%d): starting empty", len(area), SIZE)
            else:
                try:
                    decoded = decode(area)
                except ADVError as err:
                    log.error("META: %s: starting empty", err)
                    self.tags, self.loaded_copy, self.load_errors = {}, 0, (err,)
                else:
                    self.tags, self.loaded_copy = decoded.tags, decoded.copy
                    self.load_errors = decoded.errors
                    for skipped in decoded.errors:
                        log.warning("META: %s; using copy %d", skipped, decoded.copy)
            log.info("META: loaded %d keys", len(self.tags))
            await self._sync()

    def read(self, tag: int) -> bytes | None:
        return self.tags.get(tag)

    async def write(self, tag: int, value: bytes) -> bool:
        """Set ``tag``; False (nothing changed) when the tags would not fit (Talos's overflow)."""
        async with self._lock:
            updated = {**self.tags, tag: value}
            if not fits(updated):
                return False
            await self._flush(updated)
            if self.publisher is not None:
                await self.publisher.put(key_id(tag), _text(value))
            return True

    async def delete(self, tag: int) -> bool:
        """Remove ``tag``; False when it is not set."""
        async with self._lock:
            if tag not in self.tags:
                return False
            updated = {k: v for k, v in self.tags.items() if k != tag}
            await self._flush(updated)
            if self.publisher is not None:
                await self.publisher.remove(key_id(tag))
            return True

    async def _flush(self, tags: dict[int, bytes]) -> None:
        await asyncio.to_thread(self.device.write, encode(tags))
        self.tags = tags
        log.info("META: saved %d keys", len(tags))

    async def _sync(self) -> None:
        if self.publisher is None:
            return
        wanted = {key_id(t): _text(v) for t, v in self.tags.items()}
        for key, value in wanted.items():
            await self.publisher.put(key, value)
        for stale in await self.publisher.keys() - set(wanted):
            await self.publisher.remove(stale)


async def open_node_meta(directory: Path, state: Any) -> NodeMeta | None:
    """machined's META: the image in ``directory``, keys published into ``state``; None (logged) when
    it cannot be read at all, so the node still boots (``MetaWrite`` then says META is not loaded)."""
    node_meta = NodeMeta(FileMetaDevice(directory), StatePublisher(state))
    try:
        await node_meta.load()
    except Exception as err:
        log.error("META at %s not loaded: %s: %s", directory, type(err).__name__, err)
        return None
    return node_meta
