"""A YAML emitter that writes exactly what go-yaml v3 writes with ``SetIndent(4)``.

Talos users diff generated configs against what Talos produced, and the upstream stability
fixtures are byte-exact, so "equivalent YAML" is not enough: indentation of sequences inside
mappings, ``- `` items whose mapping keys sit two columns in, literal blocks with chomping hints,
when a string gets single or double quotes — all follow libyaml's emitter as modified by go-yaml v3.
Lines are never folded (Talos's output has no width limit).
"""

from __future__ import annotations

from .nodes import Mapping, Node, Scalar, Sequence, Style
from .resolve import is_base60_float, needs_quotes, resolve

_FLOW_FIRST = set("#,[]{}&*!|>'\"%@`")


class _Analysis:
    __slots__ = ("block_allowed", "block_plain", "flow_plain", "multiline", "single_allowed")

    def __init__(self, value: str) -> None:
        self.multiline = False
        self.flow_plain = True
        self.block_plain = True
        self.single_allowed = True
        self.block_allowed = True
        if not value:
            self.flow_plain = False
            self.block_allowed = False
            return
        block_ind = flow_ind = False
        if value.startswith(("---", "...")):
            block_ind = flow_ind = True
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = tabs = special = line_breaks = False
        prev_space = prev_break = False
        preceded_ws = True
        n = len(value)
        for i, ch in enumerate(value):
            nxt = value[i + 1] if i + 1 < n else ""
            followed_ws = nxt in ("", " ", "\t", "\n", "\r")
            if i == 0:
                if ch in _FLOW_FIRST:
                    flow_ind = block_ind = True
                elif ch in "?:":
                    flow_ind = True
                    if followed_ws:
                        block_ind = True
                elif ch == "-" and followed_ws:
                    flow_ind = block_ind = True
            else:
                if ch in ",?[]{}":
                    flow_ind = True
                elif ch == ":":
                    flow_ind = True
                    if followed_ws:
                        block_ind = True
                elif ch == "#" and preceded_ws:
                    flow_ind = block_ind = True
            if ch == "\t":
                tabs = True
            elif not _printable(ch):
                special = True
            if ch == " ":
                if i == 0:
                    leading_space = True
                if i == n - 1:
                    trailing_space = True
                if prev_break:
                    break_space = True
                prev_space, prev_break = True, False
            elif ch in "\n\r\x85\u2028\u2029":
                line_breaks = True
                if i == 0:
                    leading_break = True
                if i == n - 1:
                    trailing_break = True
                if prev_space:
                    space_break = True
                prev_space, prev_break = False, True
            else:
                prev_space = prev_break = False
            preceded_ws = ch in (" ", "\t", "\n", "\r", "\x85", "\u2028", "\u2029")
        self.multiline = line_breaks
        if leading_space or leading_break or trailing_space or trailing_break:
            self.flow_plain = self.block_plain = False
        if trailing_space:
            self.block_allowed = False
        if break_space:
            self.flow_plain = self.block_plain = self.single_allowed = False
        if space_break or tabs or special:
            self.flow_plain = self.block_plain = self.single_allowed = False
        if space_break or special:
            self.block_allowed = False
        if line_breaks:
            self.flow_plain = self.block_plain = False
        if flow_ind:
            self.flow_plain = False
        if block_ind:
            self.block_plain = False


def _printable(ch: str) -> bool:
    o = ord(ch)
    if ch in "\n\r\t":
        return True
    if o == 0xFEFF:
        return False
    return o == 0x85 or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


def _double_quoted(value: str) -> str:
    out = ['"']
    for ch in value:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif _printable(ch) and ch not in "\n\r\t\x85\u2028\u2029" and o != 0xFEFF:
            out.append(ch)
        else:
            named = {
                "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f",
                "\r": "r", "\x1b": "e", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
            }  # fmt: skip
            if ch in named:
                out.append("\\" + named[ch])
            elif o <= 0xFF:
                out.append(f"\\x{o:02X}")
            elif o <= 0xFFFF:
                out.append(f"\\u{o:04X}")
            else:
                out.append(f"\\U{o:08X}")
    out.append('"')
    return "".join(out)


def _chomp_hint(value: str) -> str:
    if not value or value[-1] != "\n":
        return "-"
    if len(value) == 1 or value[-2] == "\n":
        return "+"
    return ""


class Emitter:
    """Writes node trees as go-yaml v3 text (block style, indent 4 by default)."""

    def __init__(self, indent: int = 4) -> None:
        self.best = indent
        self.out: list[str] = []
        self._block_parent = 0
        # column of the foot comment just written: go-yaml separates it from the next line at the
        # same indentation with a blank line
        self._foot_indent = -1

    # indentation rules of go-yaml v3's yaml_emitter_increase_indent_compact
    def _child_indent(self, indent: int) -> int:
        if indent < 0:
            return 0
        return self.best * ((indent + self.best) // self.best)

    def document(self, node: Node) -> str:
        self.out = []
        self._foot_indent = -1
        self._comment(node.head_comment, 0)
        if isinstance(node, Mapping) and node.items and not node.flow:
            self._block_mapping(node, 0, first_inline=False)
        elif isinstance(node, Sequence) and node.items and not node.flow:
            self._block_sequence(node, 0, first_inline=False)
        else:
            self.out.append(self._inline(node, 0, in_key=False))
            self.out.append("\n")
        self._foot(node.foot_comment, 0)
        return "".join(self.out)

    def _start(self, indent: int) -> None:
        """Begin a line at ``indent`` (after a blank line when a foot comment at ``indent`` precedes)."""
        if self._foot_indent == indent:
            self.out.append("\n")
        self._foot_indent = -1
        self.out.append(" " * indent)

    def _comment(self, text: str, indent: int) -> None:
        if not text:
            return
        if self._foot_indent == indent:
            self.out.append("\n")
        self._foot_indent = -1
        for line in text.split("\n"):
            line = line.rstrip()
            if not line.startswith("#"):
                line = "# " + line if line else "#"
            self.out.append(" " * indent + line + "\n")

    def _foot(self, text: str, indent: int) -> None:
        """Write a foot comment as go-yaml v3 does: ``#`` lines as they are, others after ``# ``.

        Empty lines stay empty, except a leading one, which (like go-yaml) carries the indentation.
        """
        if not text:
            return
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        if self._foot_indent == indent and lines[0]:
            self.out.append("\n")
        pad = " " * indent
        for i, line in enumerate(lines):
            if not line:
                self.out.append((pad if i == 0 else "") + "\n")
            else:
                self.out.append(pad + (line if line.startswith("#") else "# " + line) + "\n")
        self._foot_indent = indent

    def _block_mapping(self, node: Mapping, indent: int, first_inline: bool) -> None:
        for idx, (key, value) in enumerate(node.items):
            comment = key.head_comment
            if idx == 0 and first_inline:
                if comment:  # a head comment cannot follow "- " on the same line
                    self.out.append("\n")
                    self._comment(comment, indent)
                    self.out.append(" " * indent)
            else:
                self._comment(comment, indent)
                self._start(indent)
            self.out.append(self._scalar_text(key, indent, in_key=True))
            self.out.append(":")
            self._value(value, indent, in_seq=False)
            self._foot(value.foot_comment, indent)
            self._foot(key.foot_comment, indent)

    def _block_sequence(self, node: Sequence, indent: int, first_inline: bool) -> None:
        for idx, item in enumerate(node.items):
            if not (idx == 0 and first_inline):
                self._comment(item.head_comment, indent)
                self._start(indent)
            self.out.append("-")
            self._value(item, indent, in_seq=True)
            self._foot(item.foot_comment, indent)

    def _value(self, value: Node, indent: int, in_seq: bool) -> None:
        """Write what follows ``key:`` or ``-`` (the indicator is already written)."""
        if isinstance(value, Mapping) and value.items and not value.flow:
            if in_seq:
                self.out.append(" ")
                self._block_mapping(value, indent + 2, first_inline=True)
            else:
                self._line_end(value)
                self._block_mapping(value, self._child_indent(indent), first_inline=False)
            return
        if isinstance(value, Sequence) and value.items and not value.flow:
            if in_seq:
                self.out.append(" ")
                self._block_sequence(value, indent + 2, first_inline=True)
            else:
                self._line_end(value)
                self._block_sequence(value, self._child_indent(indent), first_inline=False)
            return
        self.out.append(" ")
        scalar_indent = indent + 2 if in_seq else self._child_indent(indent)
        self._block_parent = indent
        text = self._inline(value, scalar_indent, in_key=False)
        if value.line_comment:
            comment = " # " + value.line_comment.lstrip("# ")
            header, nl, body = text.partition("\n")
            if nl and header[:1] in ("|", ">"):  # inside a block scalar it would become content
                text = header + comment + nl + body
            else:
                text += comment
        self.out.append(text)
        self.out.append("\n")

    def _line_end(self, value: Node) -> None:
        if value.line_comment:
            self.out.append(" # " + value.line_comment.lstrip("# "))
        self.out.append("\n")

    def _inline(self, node: Node, indent: int, in_key: bool) -> str:
        if isinstance(node, Mapping):
            if not node.items:
                return "{}"
            parts = [
                f"{self._scalar_text(k, indent, True, flow=True)}: {self._inline(v, indent, False)}"
                for k, v in node.items
            ]
            return "{" + ", ".join(parts) + "}"
        if isinstance(node, Sequence):
            if not node.items:
                return "[]"
            return "[" + ", ".join(self._inline(v, indent, False) for v in node.items) + "]"
        assert isinstance(node, Scalar)
        return self._scalar_text(node, indent, in_key)

    def _scalar_text(self, node: Scalar, indent: int, in_key: bool, flow: bool = False) -> str:
        value = node.value
        style = node.style
        if node.tag != "!!str":
            return value
        if style is Style.ANY:
            if "\n" in value:
                style = Style.LITERAL
            elif is_base60_float(value) and resolve(value)[0] == "!!str":
                style = Style.SINGLE
            elif needs_quotes(value):
                style = Style.DOUBLE
            else:
                style = Style.PLAIN
        a = _Analysis(value)
        if in_key and a.multiline:
            style = Style.DOUBLE
        if style is Style.PLAIN:
            if (flow and not a.flow_plain) or (not flow and not a.block_plain):
                style = Style.SINGLE
            if not value and (flow or in_key):
                style = Style.SINGLE
        if style is Style.SINGLE and not a.single_allowed:
            style = Style.DOUBLE
        if style in (Style.LITERAL, Style.FOLDED) and (not a.block_allowed or flow or in_key):
            style = Style.DOUBLE
        if style is Style.PLAIN:
            return value
        if style is Style.SINGLE:
            return "'" + value.replace("'", "''") + "'"
        if style is Style.DOUBLE:
            return _double_quoted(value)
        return self._literal(value, indent, "|" if style is Style.LITERAL else ">")

    def _literal(self, value: str, indent: int, indicator: str) -> str:
        hints = indicator
        if value[:1] in (" ", "\n"):
            # the indentation indicator is relative to the parent node's indentation; go-yaml
            # always writes best_indent, which is wrong (unparseable) inside "- " items
            hints += str(max(1, min(9, indent - self._block_parent)))
        hints += _chomp_hint(value)
        lines = value.split("\n")
        if value.endswith("\n"):
            lines = lines[:-1]
        body = []
        for line in lines:
            body.append("\n" + (" " * indent + line if line else ""))
        return hints + "".join(body)


def emit(node: Node, indent: int = 4) -> str:
    """Encode one document."""
    return Emitter(indent).document(node)


def emit_documents(nodes: list[Node], indent: int = 4) -> str:
    """Encode several documents separated the way Talos joins them (``---`` between)."""
    return "---\n".join(emit(n, indent) for n in nodes)
