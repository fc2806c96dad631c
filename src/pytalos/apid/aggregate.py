"""Merging replies from many nodes into one, at the protobuf wire level (Talos's ``AppendInfo``).

Every unary reply is ``XxxResponse { repeated Xxx messages = 1; }`` and every ``Xxx`` starts with
``common.Metadata metadata = 1``. Appending a serialized ``common.Empty{metadata: {hostname}}`` to the
bytes of an embedded message sets that message's ``metadata.hostname`` (protobuf merges repeated
occurrences of a message field), and concatenating the per-node ``XxxResponse`` bytes yields one
``XxxResponse`` with every node's ``messages``. Streamed messages carry the metadata directly, so the
suffix goes on the message itself. A node that failed becomes a message with only
``metadata{hostname, error, status}``. Nothing is decoded into Python objects.
"""

from __future__ import annotations

from functools import lru_cache

from pytalos.api.gen.common import common_pb2
from pytalos.api.gen.google.rpc import status_pb2

_LEN = 2


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | _LEN) + _varint(len(payload)) + payload


@lru_cache(maxsize=1024)
def hostname_suffix(hostname: str) -> bytes:
    """Serialized ``common.Empty{metadata: {hostname}}`` (cached: the same few nodes every time)."""
    return bytes(common_pb2.Empty(metadata=common_pb2.Metadata(hostname=hostname)).SerializeToString())


def error_metadata(hostname: str, code: int, message: str) -> bytes:
    """Serialized ``common.Empty{metadata: {hostname, error, status{code, message}}}``."""
    metadata = common_pb2.Metadata(
        hostname=hostname, error=message, status=status_pb2.Status(code=code, message=message)
    )
    return bytes(common_pb2.Empty(metadata=metadata).SerializeToString())


def append_to_messages(reply: bytes, suffix: bytes) -> bytes:
    """Append ``suffix`` to every embedded message of field 1 of ``reply`` (one is added when the reply
    has none, so the node still shows up)."""
    out = bytearray()
    pos, found = 0, False
    while pos < len(reply):
        start = pos
        key, pos = _read_varint(reply, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _read_varint(reply, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == _LEN:
            length, body = _read_varint(reply, pos)
            pos = body + length
            if pos > len(reply):
                raise ValueError(f"truncated protobuf message: field {number} at byte {start}")
            if number == 1:
                out += _field(1, reply[body:pos] + suffix)
                found = True
                continue
        else:
            raise ValueError(f"unsupported protobuf wire type {wire} at byte {start}")
        if pos > len(reply):
            raise ValueError("truncated protobuf message")
        out += reply[start:pos]
    if not found:
        out += _field(1, suffix)
    return bytes(out)


def unary_error(hostname: str, code: int, message: str) -> bytes:
    """An ``XxxResponse`` with one message holding only the failed node's metadata."""
    return _field(1, error_metadata(hostname, code, message))


def stream_error(hostname: str, code: int, message: str) -> bytes:
    """A streamed message holding only the failed node's metadata."""
    return error_metadata(hostname, code, message)
