"""CEL (Common Expression Language) expressions, kept as text and syntax-checked, for every group.

Volume, storage and install documents select disks and volumes with CEL
(``disk.transport == "nvme" && !system_disk``) and the OOM handler uses it for its trigger and ranking.
The machine config stores the source text, which must round-trip unchanged, so :class:`Expression`
(Go ``cel.Expression``) is a codec around the string. Talos also compiles the expression during
validation; pytalos has no CEL runtime, so :func:`check_syntax` parses the expression with CEL's
grammar and reports syntax errors in cel-go's layout (``ERROR: <input>:1:5: Syntax error: …`` plus a
caret line). Type errors (e.g. comparing ``uint`` with ``int``) are only caught by Talos itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from .text import TextCodec

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<string>[rRbB]{0,2}(?:\"\"\"(?:\\.|[^\\])*?\"\"\"|'''(?:\\.|[^\\])*?'''
        |"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
  | (?P<number>0[xX][0-9a-fA-F]+[uU]?
        |[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?
        |[0-9]+[uU]?)
  | (?P<ident>[_a-zA-Z][_a-zA-Z0-9]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%!<>?:.,()\[\]{}])
    """,
    re.VERBOSE | re.DOTALL,
)
_RELOPS = ("==", "!=", "<", "<=", ">", ">=", "in")


class CELSyntaxError(ValueError):
    """A CEL expression that does not parse; the message follows cel-go's error layout."""


@dataclass
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenize(src: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None:
            raise _error(src, pos, f"token recognition error at: '{src[pos]}'")
        kind = m.lastgroup or ""
        if kind != "ws":
            tokens.append(_Tok(kind, m.group(), pos))
        pos = m.end()
    tokens.append(_Tok("eof", "", len(src)))
    return tokens


def _error(src: str, pos: int, message: str) -> CELSyntaxError:
    line = src.count("\n", 0, pos) + 1
    line_start = src.rfind("\n", 0, pos) + 1
    column = pos - line_start
    text = src.split("\n")[line - 1]
    return CELSyntaxError(
        f"ERROR: <input>:{line}:{column + 1}: Syntax error: {message}\n | {text}\n | {'.' * column}^"
    )


class _Parser:
    """Recursive-descent recogniser for CEL's expression grammar (no AST is built)."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.tokens = _tokenize(src)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.tokens[self.i]

    def fail(self) -> CELSyntaxError:
        tok = self.tok
        what = "<EOF>" if tok.kind == "eof" else f"'{tok.text}'"
        return _error(self.src, tok.pos, f"mismatched input {what}")

    def accept(self, *texts: str) -> bool:
        if self.tok.kind in ("op", "ident") and self.tok.text in texts:
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise self.fail()

    def parse(self) -> None:
        if self.tok.kind == "eof":
            raise self.fail()
        self.expr()
        if self.tok.kind != "eof":
            raise self.fail()

    def expr(self) -> None:
        self.binary(0)
        if self.accept("?"):
            self.binary(0)
            self.expect(":")
            self.expr()

    _LEVELS: tuple[tuple[str, ...], ...] = (("||",), ("&&",), _RELOPS, ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> None:
        if level == len(self._LEVELS):
            self.unary()
            return
        self.binary(level + 1)
        while self.accept(*self._LEVELS[level]):
            self.binary(level + 1)

    def unary(self) -> None:
        while self.accept("!", "-"):
            pass
        self.member()

    def member(self) -> None:
        self.primary()
        while True:
            if self.accept("."):
                if self.tok.kind != "ident":
                    raise self.fail()
                self.i += 1
                if self.accept("("):
                    self.arguments(")")
            elif self.accept("["):
                self.expr()
                self.expect("]")
            elif self.tok.text == "{" and self.tokens[self.i - 1].kind == "ident":
                self.i += 1
                self.field_inits()
            else:
                return

    def primary(self) -> None:
        tok = self.tok
        if tok.kind in ("string", "number"):
            self.i += 1
        elif tok.kind == "ident":
            self.i += 1
            if tok.text not in ("true", "false", "null") and self.accept("("):
                self.arguments(")")
        elif self.accept("."):
            if self.tok.kind != "ident":
                raise self.fail()
            self.i += 1
        elif self.accept("("):
            self.expr()
            self.expect(")")
        elif self.accept("["):
            self.arguments("]")
        elif self.accept("{"):
            self.map_inits()
        else:
            raise self.fail()

    def arguments(self, close: str) -> None:
        if self.accept(close):
            return
        self.expr()
        while self.accept(","):
            if self.accept(close):
                return
            self.expr()
        self.expect(close)

    def map_inits(self) -> None:
        while not self.accept("}"):
            self.expr()
            self.expect(":")
            self.expr()
            if not self.accept(","):
                self.expect("}")
                return

    def field_inits(self) -> None:
        while not self.accept("}"):
            if self.tok.kind != "ident":
                raise self.fail()
            self.i += 1
            self.expect(":")
            self.expr()
            if not self.accept(","):
                self.expect("}")
                return


def check_syntax(expression: str) -> None:
    """Raise :class:`CELSyntaxError` when ``expression`` is not syntactically valid CEL."""
    _Parser(expression).parse()


def cel_syntax_error(expression: str) -> str | None:
    """cel-go style syntax error text for ``expression``, or None when it parses."""
    try:
        check_syntax(expression)
    except CELSyntaxError as exc:
        return str(exc)
    return None


@dataclass
class Expression(TextCodec):
    """``cel.Expression``: a CEL expression stored (and marshaled) as its source text."""

    WHAT: ClassVar[str] = "a CEL expression string"

    def validate(self) -> str | None:
        """cel-go style syntax error text, or None when the expression parses."""
        return cel_syntax_error(self.text)
