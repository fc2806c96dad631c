"""Validation messages that know where they point: a YAML path, and through the source nodes a line.

Talos's validation texts are compared verbatim (by tests and by users searching for them), so the
location cannot go into the text itself. :class:`Located` is therefore a ``str`` that *is* Talos's
text — equality, hashing, formatting and ``%q`` all see only the message — and additionally carries
``.path``, the YAML path in decode form relative to its document (``cluster.controlPlane.endpoint``,
``machine.network.interfaces[0].cidr``). String operations (``+``, f-strings) return plain ``str``,
so code that rewrites a message re-wraps it with :func:`located` / :func:`path_of`.

:class:`Location` ties a located message to the document it came from, and :func:`resolve_line`
turns a path into a line of the document's source node (or of the nearest existing ancestor when
the field itself is absent, e.g. a missing ``machine.install.disk``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ...yamlx.nodes import Mapping, Node, Sequence


class Located(str):
    """A validation message (exactly Talos's text) carrying the YAML path it is about in ``.path``."""

    path: str

    def __new__(cls, message: str, path: str = "") -> Located:
        obj = super().__new__(cls, message)
        obj.path = path
        return obj


def located(message: str, path: str) -> Located:
    """``message`` located at ``path`` (relative to its document; "" keeps any path it already has)."""
    return Located(str(message), path or path_of(message))


def path_of(message: str) -> str:
    """The YAML path of a message ("" for a plain ``str``)."""
    return message.path if isinstance(message, Located) else ""


def reword(original: str, text: str) -> str:
    """``text`` located where ``original`` was (plain ``text`` when ``original`` has no path)."""
    path = path_of(original)
    return Located(text, path) if path else text


def join_path(base: str, *parts: str | int) -> str:
    """Append keys (``.key``) and list indexes (``[i]``) to a decode-form path."""
    out = base
    for part in parts:
        if isinstance(part, int):
            out = f"{out}[{part}]"
        elif part:
            out = f"{out}.{part}" if out else part
    return out


def at(path: str, messages: Iterable[str]) -> list[str]:
    """Every message located at ``path`` unless it already names a more precise one."""
    return [located(m, path_of(m) or path) for m in messages]


def by_subject(messages: Iterable[str], subjects: dict[str, str]) -> list[str]:
    """Locate messages by what they start with (``{"name must": "name"}``); others are kept as they are.

    For documents whose checks are shared helpers returning plain texts: the text's subject names
    the field, so the document's ``validate`` can locate them without changing the helper.
    """
    out: list[str] = []
    for message in messages:
        path = next((p for prefix, p in subjects.items() if message.startswith(prefix)), "")
        out.append(located(message, path) if path and not path_of(message) else message)
    return out


def rebase(base: str, messages: Iterable[str]) -> list[str]:
    """Prefix the paths of messages computed for a sub-structure with the sub-structure's path."""
    out: list[str] = []
    for message in messages:
        inner = path_of(message)
        if not inner:
            out.append(located(message, base) if base else message)
        elif base:
            out.append(located(message, base + inner if inner.startswith("[") else f"{base}.{inner}"))
        else:
            out.append(message)
    return out


@dataclass(frozen=True)
class Location:
    """One located warning or error of a validation run.

    ``document`` is the index of the document in the list that was validated (-1: not tied to one),
    ``path`` is relative to that document, ``message`` is the individual message text.
    """

    document: int
    path: str
    message: str
    warning: bool = False


def locations_of(document: int, messages: Iterable[str], *, warning: bool = False) -> list[Location]:
    """The :class:`Location` of every message that has a path."""
    return [Location(document, path_of(m), str(m), warning) for m in messages if path_of(m)]


def _match_key(node: Mapping, rest: str) -> tuple[int, Node, int] | None:
    """(key length, value, key line) of the longest key that starts ``rest`` as a whole segment."""
    best: tuple[int, Node, int] | None = None
    for key, value in node.items:
        text = key.value
        if not text:
            continue
        whole = rest == text or (rest.startswith(text) and rest[len(text)] in ".[")
        if whole and (best is None or len(text) > best[0]):
            best = (len(text), value, key.line)
    return best


def resolve_line(node: Node | None, path: str) -> int:
    """0-based line of ``path`` inside ``node``: the key's line for mapping entries, the item's line
    for list entries, the nearest existing ancestor's line when part of the path is absent; -1 when
    there is no node. Map keys may themselves contain dots (``mirrors.docker.io``): the longest key
    matching the path wins.
    """
    if node is None:
        return -1
    line = node.line
    current: Node = node
    rest = path
    while rest:
        if rest.startswith("["):
            close = rest.find("]")
            token = rest[1:close] if close > 0 else ""
            if not (isinstance(current, Sequence) and token.isdigit() and int(token) < len(current.items)):
                break
            current = current.items[int(token)]
            line = current.line if current.line >= 0 else line
            rest = rest[close + 1 :]
            continue
        rest = rest.removeprefix(".")
        if not isinstance(current, Mapping):
            break
        match = _match_key(current, rest)
        if match is None:
            break
        length, current, key_line = match
        line = key_line if key_line >= 0 else line
        rest = rest[length:]
    return line
