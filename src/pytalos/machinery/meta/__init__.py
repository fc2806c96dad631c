"""META: Talos's small key/value store that survives reinstalls (spec §6.2).

:mod:`.adv` encodes and decodes the Talos ADV block exactly as ``siderolabs/go-adv`` does;
:mod:`.keys` names the tags Talos defines and parses keys as ``talosctl meta`` does. Pure library: the
node side (:mod:`pytalos.machined.node.meta`) decides where the bytes live.
"""

from __future__ import annotations

from .adv import (
    COPIES,
    DATA_LENGTH,
    LENGTH,
    MAGIC1,
    MAGIC2,
    SIZE,
    ADVError,
    Decoded,
    MetaOverflowError,
    decode,
    decode_copy,
    encode,
    encode_copy,
    fits,
)
from .keys import KEY_NAMES, KeyError_, MetaKey, key_id, key_name, parse_key

__all__ = [
    "COPIES",
    "DATA_LENGTH",
    "KEY_NAMES",
    "LENGTH",
    "MAGIC1",
    "MAGIC2",
    "SIZE",
    "ADVError",
    "Decoded",
    "KeyError_",
    "MetaKey",
    "MetaOverflowError",
    "decode",
    "decode_copy",
    "encode",
    "encode_copy",
    "fits",
    "key_id",
    "key_name",
    "parse_key",
]
