"""META tags Talos defines (``pkg/machinery/meta/constants.go``) and key parsing as ``talosctl meta``.

Tags start at 6 (below are syslinux's). ``talosctl meta write 0xc value`` parses the key like Go's
``strconv.ParseUint(s, 0, 8)``: ``0x``/``0o``/``0b`` prefixes, a leading ``0`` for octal, ``_``
separators after a prefix, at most 255. Resources use :func:`key_id` (``0x0c``, Talos's
``MetaKeyTagToID``).
"""

from __future__ import annotations

import enum
import re


class MetaKey(enum.IntEnum):
    UPGRADE = 6
    STAGED_UPGRADE_IMAGE_REF = 7
    STAGED_UPGRADE_INSTALL_OPTIONS = 8
    STATE_ENCRYPTION_CONFIG = 9
    METAL_NETWORK_PLATFORM_CONFIG = 10
    DOWNLOAD_URL_CODE = 11
    USER_RESERVED1 = 12
    USER_RESERVED2 = 13
    USER_RESERVED3 = 14
    UUID_OVERRIDE = 15
    UNIQUE_MACHINE_TOKEN = 16
    DISK_IMAGE_BOOTLOADER = 17


#: Talos's Go constant names by tag.
KEY_NAMES: dict[int, str] = {
    6: "Upgrade",
    7: "StagedUpgradeImageRef",
    8: "StagedUpgradeInstallOptions",
    9: "StateEncryptionConfig",
    10: "MetalNetworkPlatformConfig",
    11: "DownloadURLCode",
    12: "UserReserved1",
    13: "UserReserved2",
    14: "UserReserved3",
    15: "UUIDOverride",
    16: "UniqueMachineToken",
    17: "DiskImageBootloader",
}


class KeyError_(ValueError):
    """A META key that does not parse; the message is Go's ``strconv.ParseUint`` error."""


_BASES = {"0x": 16, "0o": 8, "0b": 2}


def parse_key(text: str) -> int:
    """A key as ``strconv.ParseUint(text, 0, 8)`` reads it (see the module docstring)."""
    s = text.lower()
    base, digits = 10, s
    if s[:2] in _BASES:
        base, digits = _BASES[s[:2]], s[2:]
    elif len(s) > 1 and s[0] == "0":
        base, digits = 8, s[1:]
    if base != 10:
        # underscores only between digits, only with a base prefix
        if digits.startswith("_") or digits.endswith("_") or "__" in digits:
            digits = "!"
        digits = digits.replace("_", "")
    if not digits or not re.fullmatch(r"[0-9a-z]+", digits):
        raise KeyError_(f'strconv.ParseUint: parsing "{text}": invalid syntax')
    try:
        value = int(digits, base)
    except ValueError:
        raise KeyError_(f'strconv.ParseUint: parsing "{text}": invalid syntax') from None
    if value > 0xFF:
        raise KeyError_(f'strconv.ParseUint: parsing "{text}": value out of range')
    return value


def key_id(tag: int) -> str:
    """The resource id of a tag: ``0x%02x`` (Talos's ``MetaKeyTagToID``)."""
    return f"0x{tag:02x}"


def key_name(tag: int) -> str:
    """Talos's name of ``tag`` or ``tag N`` when Talos defines none."""
    return KEY_NAMES.get(tag, f"tag {tag}")
