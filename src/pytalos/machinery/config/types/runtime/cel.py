"""A structural syntax check for CEL expressions (OOM handler, disk selectors).

Talos compiles these expressions with cel-go at validation time. pytalos has no CEL engine, but the
mistakes people make by hand — an unclosed bracket or string, an empty expression, a stray closing
parenthesis — are caught here with cel-go's ``ERROR: <input>:line:col: Syntax error: …`` shape, so
``talosctl validate`` still points at the right spot. Type checking is left to the node.
"""

from __future__ import annotations

_PAIRS = {")": "(", "]": "[", "}": "{"}


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1)
    return line, col


def _error(text: str, index: int, detail: str) -> str:
    line, col = _position(text, index)
    return f"ERROR: <input>:{line}:{col}: Syntax error: {detail}"


def _skip_string(text: str, start: int) -> int | None:
    """Return the index after the string literal starting at ``start`` (None when unterminated)."""
    raw = start > 0 and text[start - 1] in "rR"
    quote = text[start]
    triple = text.startswith(quote * 3, start)
    delim = quote * 3 if triple else quote
    i = start + len(delim)
    while i < len(text):
        if not raw and text[i] == "\\":
            i += 2
            continue
        if text.startswith(delim, i):
            return i + len(delim)
        if not triple and text[i] == "\n":
            return None
        i += 1
    return None


def check_cel_syntax(text: str) -> str | None:
    """Return a cel-go style syntax error for ``text``, or None when it looks well-formed."""
    if not text.strip():
        return _error(text, len(text), "mismatched input '<EOF>' expecting an expression")
    stack: list[tuple[str, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            end = _skip_string(text, i)
            if end is None:
                return _error(text, i, "token recognition error: unterminated string literal")
            i = end
            continue
        if ch == "/" and text.startswith("//", i):
            nl = text.find("\n", i)
            i = len(text) if nl == -1 else nl
            continue
        if ch in "([{":
            stack.append((ch, i))
        elif ch in ")]}":
            if not stack or stack[-1][0] != _PAIRS[ch]:
                return _error(text, i, f"extraneous input '{ch}'")
            stack.pop()
        i += 1
    if stack:
        opener, index = stack[-1]
        return _error(text, index, f"unclosed '{opener}'")
    stripped = text.rstrip()
    if stripped[-1] in "+-*/%<>=!&|?:.,":
        return _error(text, len(stripped), "mismatched input '<EOF>' expecting an operand")
    return None
