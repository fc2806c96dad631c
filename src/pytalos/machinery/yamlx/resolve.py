"""Plain-scalar resolution with go-yaml v3's rules.

Two jobs depend on it: deciding what an untyped plain scalar means when decoding (``true`` is a
bool, ``0x10`` an int, ``2001-12-14`` a timestamp) and deciding when the encoder must quote a
string so that it reads back as a string (``"yes"``, ``"8080"``, ``""``).
"""

from __future__ import annotations

import math
import re
from typing import Any

_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUES = {"true", "True", "TRUE"}
_FALSES = {"false", "False", "FALSE"}
_FLOATS = {
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}
_OLD_BOOLS = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "on", "On", "ON", "off", "Off", "OFF",
}  # fmt: skip
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$"
)
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")


def parse_go_int(text: str) -> int | None:
    """Parse like Go's ``strconv.ParseInt(s, 0, 64)`` (after removing underscores); None if invalid."""
    plain = text.replace("_", "")
    if not _GO_INT.match(plain):
        return None
    sign = -1 if plain.startswith("-") else 1
    body = plain.lstrip("+-")
    low = body.lower()
    if low.startswith("0x"):
        value = int(body[2:], 16)
    elif low.startswith("0b"):
        value = int(body[2:], 2)
    elif low.startswith("0o"):
        value = int(body[2:], 8)
    elif len(body) > 1 and body.startswith("0"):
        value = int(body[1:], 8)
    else:
        value = int(body, 10)
    value *= sign
    if value < -(2**63) or value >= 2**64:
        return None
    return value


def resolve(text: str) -> tuple[str, Any]:
    """Resolve a plain scalar: returns (tag, value) as go-yaml v3 does for an untyped target."""
    if text in _NULLS:
        return "!!null", None
    if text in _TRUES:
        return "!!bool", True
    if text in _FALSES:
        return "!!bool", False
    if text in _FLOATS:
        return "!!float", _FLOATS[text]
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _TIMESTAMP.match(text):
            return "!!timestamp", text
        iv = parse_go_int(text)
        if iv is not None:
            return "!!int", iv
        plain = text.replace("_", "")
        if _YAML_FLOAT.match(plain):
            try:
                return "!!float", float(plain)
            except ValueError:  # pragma: no cover - regex guarantees parseability
                pass
    return "!!str", text


def needs_quotes(text: str) -> bool:
    """Whether go-yaml would refuse to write this Go string plain (it would read back as non-string)."""
    tag, _ = resolve(text)
    return tag != "!!str" or is_base60_float(text) or text in _OLD_BOOLS


def is_base60_float(text: str) -> bool:
    """A YAML 1.1 base-60 float (``0000:04:00.00``): a string in YAML 1.2, single-quoted by go-yaml v4.

    Talos marshals with go-yaml v4, which single-quotes these (values that resolve to another
    type, old booleans included, are double-quoted).
    """
    return bool(_BASE60.match(text))


def format_go_float(value: float) -> str:
    """Format like Go's ``strconv.FormatFloat(f, 'g', -1, 64)`` with YAML's inf/nan spelling."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    digits = repr(abs(value))  # shortest round-trip digits
    mantissa, _, exp_part = digits.partition("e")
    exp10 = int(exp_part) if exp_part else 0
    int_part, _, frac_part = mantissa.partition(".")
    frac_part = frac_part.rstrip("0")
    all_digits = (int_part + frac_part).lstrip("0")
    # decimal point position relative to all_digits
    if int_part.strip("0"):
        point = len(int_part.lstrip("0")) + exp10
    else:
        leading_zeros = len(frac_part) - len(frac_part.lstrip("0"))
        point = -leading_zeros + exp10
    all_digits = all_digits.rstrip("0") or "0"
    nd = len(all_digits)
    exp = point - 1
    sign = "-" if value < 0 else ""
    if exp < -4 or exp >= 6:  # Go's shortest 'g' switches to %e at exponent 6
        mant = all_digits[0] + ("." + all_digits[1:] if nd > 1 else "")
        esign = "+" if exp >= 0 else "-"
        return f"{sign}{mant}e{esign}{abs(exp):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * (-point)}{all_digits}"
    if point >= nd:
        return f"{sign}{all_digits}{'0' * (point - nd)}"
    return f"{sign}{all_digits[:point]}.{all_digits[point:]}"
