"""Go's ``%q`` (``strconv.Quote``) and hashicorp multierror text, for error messages.

Talos formats names, URLs and values in its errors with ``%q`` (and Go's ``url.Parse`` quotes the
URL it failed on the same way); every group quotes through this one function so pytalos messages
stay identical to Talos's for text containing quotes, backslashes or control characters. Lists of
problems wrapped with ``%w`` print as a ``go-multierror``, reproduced by :func:`multierror_text`.
"""

from __future__ import annotations

import unicodedata

_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def _printable(ch: str) -> bool:
    if ch == " ":
        return True
    return unicodedata.category(ch)[0] in "LMNPS"


def go_quote(text: str) -> str:
    """Return ``text`` quoted like Go's ``strconv.Quote``."""
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def multierror_text(errors: list[str]) -> str:
    """How hashicorp ``multierror`` prints several errors (Talos wraps these with ``%w``)."""
    noun = "error" if len(errors) == 1 else "errors"
    body = "".join(f"\t* {e}\n" for e in errors)
    return f"{len(errors)} {noun} occurred:\n{body}\n"
