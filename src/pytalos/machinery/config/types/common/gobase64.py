"""Go's ``base64.StdEncoding.DecodeString``, with its error text.

Talos decodes Wireguard keys, the discovery cluster secret and v1alpha1 keys with Go's standard
base64 decoder and puts its error (``illegal base64 data at input byte N``) in the messages users
see. Python's decoder accepts and rejects different inputs and reports no offset, so this module
walks the input quantum by quantum like Go does (newlines skipped, strict padding) and reports the
same byte offset; every group decodes through it.
"""

from __future__ import annotations

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_INDEX = {ch: i for i, ch in enumerate(_B64)}


def go_base64_decode(text: str) -> tuple[bytes, str | None]:
    """Go's ``base64.StdEncoding.DecodeString``: (data, None) or (partial, ``illegal base64 data…``)."""
    out = bytearray()
    si, n = 0, len(text)
    while si < n:
        quantum: list[int] = []
        while len(quantum) < 4:
            if si == n:
                if not quantum:
                    return bytes(out), None
                return bytes(out), _corrupt(si - len(quantum))
            ch = text[si]
            si += 1
            if ch in "\r\n":
                continue
            if ch in _B64_INDEX:
                quantum.append(_B64_INDEX[ch])
                continue
            if ch != "=" or len(quantum) < 2:
                return bytes(out), _corrupt(si - 1)
            if len(quantum) == 2:  # "==" expected
                while si < n and text[si] in "\r\n":
                    si += 1
                if si == n:
                    return bytes(out), _corrupt(n)
                if text[si] != "=":
                    return bytes(out), _corrupt(si - 1)
                si += 1
            while si < n and text[si] in "\r\n":
                si += 1
            if si < n:
                return bytes(out), _corrupt(si)
            break
        value = 0
        for idx in range(4):
            value = value << 6 | (quantum[idx] if idx < len(quantum) else 0)
        chunk = value.to_bytes(3, "big")
        out += chunk[: len(quantum) - 1]
    return bytes(out), None


def _corrupt(pos: int) -> str:
    return f"illegal base64 data at input byte {pos}"
