"""Watch events and bookmarks (COSI ``state.Event``).

Every change to a collection (one namespace + type) gets a position in that collection's event
stream; the event's bookmark encodes that position so a watcher can resume right after it. A
bookmark also carries a per-process cookie: bookmarks of another process are rejected rather than
silently misread.
"""

from __future__ import annotations

import enum
import os
import struct
from dataclasses import dataclass
from typing import Any

from .errors import InvalidBookmarkError
from .resource import Resource

_COOKIE = os.urandom(8)
_POS = struct.Struct(">q")


class EventType(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    DESTROYED = "destroyed"
    BOOTSTRAPPED = "bootstrapped"  # the initial contents of a kind watch were all sent
    ERRORED = "errored"  # the watch failed (e.g. the watcher fell too far behind) and ends
    NOOP = "noop"  # carries only a bookmark (initial bookmark of a kind watch)


@dataclass(slots=True)
class Event:
    """One change; ``resource`` and ``old`` are shared, read-only snapshots: never mutate them."""

    type: EventType
    resource: Resource[Any] | None
    old: Resource[Any] | None = None
    pos: int | None = None  # position in the collection's stream; None: no bookmark
    error: str = ""

    @property
    def bookmark(self) -> bytes:
        """Opaque token to resume a watch right after this event (empty when there is none)."""
        return b"" if self.pos is None else encode_bookmark(self.pos)

    def __repr__(self) -> str:
        what = self.resource.metadata if self.resource is not None else self.error
        return f"Event({self.type.value}, {what!r})"


def encode_bookmark(pos: int) -> bytes:
    return _COOKIE + _POS.pack(pos)


def decode_bookmark(bookmark: bytes) -> int:
    if len(bookmark) != 16 or bookmark[:8] != _COOKIE:
        raise InvalidBookmarkError(f"invalid watch bookmark {bookmark.hex()!r}: not issued by this state")
    pos: int = _POS.unpack(bookmark[8:])[0]
    return pos
