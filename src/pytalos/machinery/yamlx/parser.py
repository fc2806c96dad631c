"""Parse YAML text into our node tree, keeping positions for error messages.

PyYAML (with libyaml when available) does the tokenizing; we keep raw scalar text and style so the
typed decoder can apply Go-like conversion per field, and we reject duplicate mapping keys the way
go-yaml v3 does (it is an error, not "last one wins").
"""

from __future__ import annotations

from typing import Any

import yaml

from .nodes import Mapping, Node, Scalar, Sequence, Style

try:  # pragma: no cover - depends on the PyYAML build
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_STYLES = {None: Style.PLAIN, "'": Style.SINGLE, '"': Style.DOUBLE, "|": Style.LITERAL, ">": Style.FOLDED}


class YAMLError(ValueError):
    """A syntax error, with the source name and 1-based line."""

    def __init__(self, message: str, source: str = "", line: int = -1) -> None:
        self.message = message
        self.source = source
        self.line = line
        where = source or "<input>"
        if line >= 0:
            where += f":{line + 1}"
        super().__init__(f"{where}: {message}")


def _convert(node: yaml.Node, source: str) -> Node:
    line, col = node.start_mark.line, node.start_mark.column
    if isinstance(node, yaml.ScalarNode):
        style = _STYLES.get(node.style, Style.PLAIN)
        tag = "!!str"
        if node.tag and not node.tag.startswith("tag:yaml.org,2002:") and node.tag != "!":
            tag = node.tag
        elif node.tag and node.tag.startswith("tag:yaml.org,2002:") and style is not Style.PLAIN:
            tag = "!!" + node.tag.rsplit(":", 1)[1]
        return Scalar(str(node.value), tag, style, line=line, column=col)
    if isinstance(node, yaml.SequenceNode):
        return Sequence(
            [_convert(v, source) for v in node.value], flow=bool(node.flow_style), line=line, column=col
        )
    if isinstance(node, yaml.MappingNode):
        out = Mapping(flow=bool(node.flow_style), line=line, column=col)
        seen: dict[str, int] = {}
        for k, v in node.value:
            key = _convert(k, source)
            if not isinstance(key, Scalar):
                raise YAMLError("mapping keys must be scalars", source, k.start_mark.line)
            if key.value in seen:
                raise YAMLError(
                    f'mapping key "{key.value}" already defined at line {seen[key.value] + 1}',
                    source,
                    k.start_mark.line,
                )
            seen[key.value] = k.start_mark.line
            out.items.append((key, _convert(v, source)))
        return out
    raise YAMLError(f"unsupported YAML node {type(node).__name__}", source, line)  # pragma: no cover


def parse_documents(text: str | bytes, source: str = "") -> list[Node]:
    """Parse every document in ``text``; empty documents (``---`` alone) are dropped."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        loader = _Loader(text)
        docs: list[Node] = []
        try:
            while loader.check_node():
                raw = loader.get_node()
                if raw is not None:
                    docs.append(_convert(raw, source))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YAMLError(str(exc.problem or exc), source, mark.line if mark else -1) from None
    except yaml.YAMLError as exc:  # pragma: no cover
        raise YAMLError(str(exc), source) from None
    return docs


def parse_document(text: str | bytes, source: str = "") -> Node | None:
    docs = parse_documents(text, source)
    if len(docs) > 1:
        raise YAMLError("expected a single YAML document", source, docs[1].line)
    return docs[0] if docs else None
