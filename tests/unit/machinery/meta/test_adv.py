"""The Talos ADV format: go-adv's layout, both copies, corruption of one copy, key parsing."""

from __future__ import annotations

import hashlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytalos.machinery.meta import (
    DATA_LENGTH,
    KEY_NAMES,
    LENGTH,
    SIZE,
    ADVError,
    KeyError_,
    MetaKey,
    MetaOverflowError,
    decode,
    decode_copy,
    encode,
    encode_copy,
    fits,
    key_id,
    key_name,
    parse_key,
)

pytestmark = pytest.mark.unit

tags_st = st.dictionaries(st.integers(1, 255), st.binary(max_size=200), max_size=12)


def test_layout_matches_go_adv() -> None:
    block = encode_copy({12: b"hello"})
    assert len(block) == LENGTH == 256 * 1024
    assert block[:4] == bytes.fromhex("5a4b3c2d")
    assert block[-4:] == bytes.fromhex("a5b4c3d2")
    assert struct.unpack_from(">II", block, 4) == (12, 5)
    assert block[12:17] == b"hello"
    assert block[17 : LENGTH - 36] == bytes(LENGTH - 36 - 17)
    zeroed = block[: LENGTH - 36] + bytes(32) + block[LENGTH - 4 :]
    assert block[LENGTH - 36 : LENGTH - 4] == hashlib.sha256(zeroed).digest()
    area = encode({12: b"hello"})
    assert len(area) == SIZE == 512 * 1024 and area == block + block


def test_empty_meta_round_trips() -> None:
    decoded = decode(encode({}))
    assert decoded.tags == {} and decoded.copy == 1 and decoded.errors == ()


@settings(max_examples=60, deadline=None)
@given(tags_st)
def test_decode_encode_round_trip(tags: dict[int, bytes]) -> None:
    assert decode(encode(tags)).tags == tags


@settings(max_examples=60, deadline=None)
@given(tags_st, st.integers(0, LENGTH - 1), st.integers(1, 255), st.booleans())
def test_one_corrupted_copy_still_reads(tags: dict[int, bytes], offset: int, flip: int, first: bool) -> None:
    area = bytearray(encode(tags))
    area[offset if first else LENGTH + offset] ^= flip
    decoded = decode(bytes(area))
    assert decoded.tags == tags
    if first:
        assert decoded.copy == 2
        assert decoded.errors[0].copy == 1
    else:
        assert decoded.copy == 1


@settings(max_examples=30, deadline=None)
@given(tags_st, st.integers(0, LENGTH - 1), st.integers(0, LENGTH - 1))
def test_both_copies_corrupt_is_a_clear_error(tags: dict[int, bytes], a: int, b: int) -> None:
    area = bytearray(encode(tags))
    area[a] ^= 0xFF
    area[LENGTH + b] ^= 0xFF
    with pytest.raises(ADVError) as info:
        decode(bytes(area))
    text = str(info.value)
    assert text.startswith("META: no readable copy: META copy 1: ")
    assert "; META copy 2: " in text


def test_errors_name_copy_and_cause() -> None:
    block = bytearray(encode_copy({6: b"A"}))
    block[0] = 0
    with pytest.raises(ADVError, match=r"^META copy 2: unexpected magic 4b3c2d, expecting 5a4b3c2d$"):
        decode_copy(bytes(block), 2)
    block = bytearray(encode_copy({6: b"A"}))
    block[-1] = 0
    with pytest.raises(ADVError, match="unexpected magic a5b4c300, expecting a5b4c3d2"):
        decode_copy(bytes(block))
    block = bytearray(encode_copy({6: b"A"}))
    block[12] = ord("B")
    with pytest.raises(ADVError, match=r"^META copy 1: checksum mismatch: "):
        decode_copy(bytes(block))
    with pytest.raises(ADVError, match="unexpected length 10, expecting 262144"):
        decode_copy(b"x" * 10)
    with pytest.raises(ADVError, match="no readable copy"):
        decode(bytes(SIZE))


def test_value_beyond_buffer_is_reported() -> None:
    block = bytearray(encode_copy({}))
    struct.pack_into(">II", block, 4, 7, LENGTH)
    block[LENGTH - 36 : LENGTH - 4] = bytes(32)
    block[LENGTH - 36 : LENGTH - 4] = hashlib.sha256(block).digest()
    with pytest.raises(ADVError, match="value goes beyond the end of the buffer: tag 7, size 262144"):
        decode_copy(bytes(block))


def test_overflow_limits() -> None:
    exact = {6: b"x" * (DATA_LENGTH - 8)}
    assert fits(exact)
    assert decode(encode(exact)).tags == exact
    over = {6: b"x" * (DATA_LENGTH - 8), 7: b""}
    assert not fits(over)
    with pytest.raises(MetaOverflowError, match="adv: overflow 8 bytes"):
        encode(over)


def test_keys() -> None:
    assert MetaKey.UPGRADE == 6 and MetaKey.DISK_IMAGE_BOOTLOADER == 17
    assert KEY_NAMES[12] == "UserReserved1" and key_name(17) == "DiskImageBootloader"
    assert key_name(200) == "tag 200"
    assert key_id(12) == "0x0c" and key_id(255) == "0xff"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0xc", 12),
        ("0XC", 12),
        ("12", 12),
        ("014", 12),
        ("0o14", 12),
        ("0b1100", 12),
        ("0", 0),
        ("0x0_c", 12),
    ],
)
def test_parse_key_as_strconv(text: str, value: int) -> None:
    assert parse_key(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("256", "value out of range"),
        ("0x100", "value out of range"),
        ("zz", "invalid syntax"),
        ("", "invalid syntax"),
        ("-1", "invalid syntax"),
        ("0x", "invalid syntax"),
        ("1_2", "invalid syntax"),
        ("09", "invalid syntax"),
    ],
)
def test_parse_key_errors(text: str, message: str) -> None:
    with pytest.raises(KeyError_, match=f'^strconv.ParseUint: parsing "{text}": {message}$'):
        parse_key(text)
