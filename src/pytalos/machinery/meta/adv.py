"""The Talos ADV block (``siderolabs/go-adv`` ``adv/talos``), byte for byte.

One copy is :data:`LENGTH` (256 KiB), big-endian::

    0x0000   4 bytes        magic1 0x5a4b3c2d
    0x0004   4+4+N bytes    {tag u32, size u32, value} ... ; a zero tag (or the zero padding) ends the list
    -0x0024  32 bytes       sha256 of the whole copy computed with this field zeroed
    -0x0004  4 bytes        magic2 0xa5b4c3d2

The block is written twice (:data:`SIZE` = 512 KiB at offset 0 of META). Reading takes the first copy
that checks out and says which one it used, so a torn or corrupted write of one copy loses nothing;
when both are bad the error names each copy and its cause. Tags are bytes (go-adv's ``Tag uint8``),
values at most :data:`DATA_LENGTH` bytes in total including 8 header bytes per tag (go-adv's
``SetTagBytes`` refuses more: Talos answers ``ResourceExhausted "meta write failed"``).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from dataclasses import dataclass

LENGTH = 256 * 1024
DATA_LENGTH = LENGTH - 40
SIZE = 2 * LENGTH
COPIES = 2
MAGIC1 = 0x5A4B3C2D
MAGIC2 = 0xA5B4C3D2
_CHECKSUM = slice(LENGTH - 36, LENGTH - 4)
_END_TAG = 0


class ADVError(ValueError):
    """A META block that cannot be read; ``copy`` is 1 or 2 (``0``: the whole area)."""

    def __init__(self, copy: int, cause: str) -> None:
        self.copy, self.cause = copy, cause
        where = f"META copy {copy}" if copy else "META"
        super().__init__(f"{where}: {cause}")


class MetaOverflowError(ValueError):
    """The tags do not fit in one copy (go-adv ``adv: overflow N bytes``)."""


@dataclass(frozen=True)
class Decoded:
    """Tags read from META and the copy (1 or 2) they came from; ``errors`` lists skipped copies."""

    tags: dict[int, bytes]
    copy: int
    errors: tuple[ADVError, ...] = ()


def used_bytes(tags: Mapping[int, bytes]) -> int:
    return sum(8 + len(v) for v in tags.values())


def fits(tags: Mapping[int, bytes]) -> bool:
    """go-adv's ``SetTagBytes`` check: every tag with its 8 header bytes within :data:`DATA_LENGTH`."""
    return used_bytes(tags) <= DATA_LENGTH


def _check_tag(tag: int) -> None:
    if not 0 < tag <= 0xFF:
        raise ValueError(f"META tag {tag} out of range: tags are 1..255")


def encode_copy(tags: Mapping[int, bytes]) -> bytes:
    """One 256 KiB copy (go-adv ``Marshal``); tags in ascending order (Go's map order is random)."""
    over = used_bytes(tags) - DATA_LENGTH
    if over > 0:
        raise MetaOverflowError(f"adv: overflow {over} bytes")
    buf = bytearray(LENGTH)
    struct.pack_into(">I", buf, 0, MAGIC1)
    struct.pack_into(">I", buf, LENGTH - 4, MAGIC2)
    pos = 4
    for tag in sorted(tags):
        _check_tag(tag)
        value = tags[tag]
        struct.pack_into(">II", buf, pos, tag, len(value))
        buf[pos + 8 : pos + 8 + len(value)] = value
        pos += 8 + len(value)
    buf[_CHECKSUM] = hashlib.sha256(buf).digest()
    return bytes(buf)


def encode(tags: Mapping[int, bytes]) -> bytes:
    """Both copies (go-adv ``Bytes``): :data:`SIZE` bytes."""
    block = encode_copy(tags)
    return block + block


def decode_copy(buf: bytes, copy: int = 1) -> dict[int, bytes]:
    """Tags of one copy (go-adv ``Unmarshal``); :class:`ADVError` names ``copy`` and the cause."""
    if len(buf) != LENGTH:
        raise ADVError(copy, f"unexpected length {len(buf)}, expecting {LENGTH}")
    (magic1,) = struct.unpack_from(">I", buf, 0)
    if magic1 != MAGIC1:
        raise ADVError(copy, f"unexpected magic {magic1:x}, expecting {MAGIC1:x}")
    (magic2,) = struct.unpack_from(">I", buf, LENGTH - 4)
    if magic2 != MAGIC2:
        raise ADVError(copy, f"unexpected magic {magic2:x}, expecting {MAGIC2:x}")
    checksum = bytes(buf[_CHECKSUM])
    zeroed = bytearray(buf)
    zeroed[_CHECKSUM] = bytes(32)
    actual = hashlib.sha256(zeroed).digest()
    if checksum != actual:
        raise ADVError(copy, f"checksum mismatch: {checksum.hex()}, expecting {actual.hex()}")
    tags: dict[int, bytes] = {}
    pos, end = 4, LENGTH - 36
    while end - pos >= 8:
        tag, size = struct.unpack_from(">II", buf, pos)
        if tag == _END_TAG:
            break
        if end - pos < size + 8:
            raise ADVError(copy, f"value goes beyond the end of the buffer: tag {tag}, size {size}")
        # go-adv keeps the low byte (Tag is uint8)
        tags[tag & 0xFF] = bytes(buf[pos + 8 : pos + 8 + size])
        pos += 8 + size
    return tags


def decode(area: bytes) -> Decoded:
    """Tags from the first good copy of a META area (at least :data:`SIZE` bytes; go-adv ``NewADV``).

    Raises :class:`ADVError` when neither copy is readable, naming both causes.
    """
    errors: list[ADVError] = []
    for index in range(COPIES):
        chunk = area[index * LENGTH : (index + 1) * LENGTH]
        try:
            return Decoded(decode_copy(chunk, index + 1), index + 1, tuple(errors))
        except ADVError as err:
            errors.append(err)
    raise ADVError(0, "no readable copy: " + "; ".join(str(e) for e in errors))
