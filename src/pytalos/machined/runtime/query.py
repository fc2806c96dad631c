"""Label and ID queries used by ``list`` and kind watches (COSI ``LabelQuery``/``IDQuery``).

A query is a conjunction of terms; ``talosctl get`` style selectors (``key``, ``!key``, ``key=v``,
``key!=v``, ``key in (a,b)``) parse into it with :func:`parse_selector`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .errors import StateError


class LabelOp(enum.Enum):
    EXISTS = "exists"
    NOT_EXISTS = "not-exists"
    EQUAL = "equal"
    NOT_EQUAL = "not-equal"
    IN = "in"
    NOT_IN = "not-in"


@dataclass(frozen=True)
class LabelTerm:
    key: str
    op: LabelOp = LabelOp.EXISTS
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        present = self.key in labels
        match self.op:
            case LabelOp.EXISTS:
                return present
            case LabelOp.NOT_EXISTS:
                return not present
            case LabelOp.EQUAL:
                return present and labels[self.key] == self.values[0]
            case LabelOp.NOT_EQUAL:
                return not present or labels[self.key] != self.values[0]
            case LabelOp.IN:
                return present and labels[self.key] in self.values
            case LabelOp.NOT_IN:
                return not present or labels[self.key] not in self.values
        raise AssertionError(self.op)  # pragma: no cover


@dataclass(frozen=True)
class LabelQuery:
    """All terms must match; the empty query matches everything."""

    terms: tuple[LabelTerm, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(t.matches(labels) for t in self.terms)

    @classmethod
    def of(cls, *terms: LabelTerm) -> LabelQuery:
        return cls(tuple(terms))

    @classmethod
    def equal(cls, **pairs: str) -> LabelQuery:
        return cls(tuple(LabelTerm(k, LabelOp.EQUAL, (v,)) for k, v in pairs.items()))


@dataclass(frozen=True)
class Query:
    """Label query plus an optional ID regular expression (full match)."""

    labels: LabelQuery = field(default_factory=LabelQuery)
    id_regexp: str | None = None

    def matches(self, id: str, labels: Mapping[str, str]) -> bool:
        if self.id_regexp is not None and re.fullmatch(self.id_regexp, id) is None:
            return False
        return self.labels.matches(labels)

    @property
    def empty(self) -> bool:
        return not self.labels.terms and self.id_regexp is None


_IN = re.compile(r"^\s*([^\s!=]+)\s+(in|notin)\s*\(([^)]*)\)\s*$")


def parse_selector(selector: str) -> LabelQuery:
    """Parse ``a,!b,c=d,e!=f,g in (x,y)`` (kubectl-like) into a :class:`LabelQuery`."""
    terms: list[LabelTerm] = []
    for part in _split(selector):
        m = _IN.match(part)
        if m:
            values = tuple(v.strip() for v in m.group(3).split(",") if v.strip())
            op = LabelOp.IN if m.group(2) == "in" else LabelOp.NOT_IN
            terms.append(LabelTerm(m.group(1), op, values))
        elif "!=" in part:
            k, v = part.split("!=", 1)
            terms.append(LabelTerm(k.strip(), LabelOp.NOT_EQUAL, (v.strip(),)))
        elif "=" in part:
            k, v = part.split("=", 1)
            terms.append(LabelTerm(k.strip(), LabelOp.EQUAL, (v.strip().lstrip("="),)))
        elif part.startswith("!"):
            terms.append(LabelTerm(part[1:].strip(), LabelOp.NOT_EXISTS))
        else:
            terms.append(LabelTerm(part, LabelOp.EXISTS))
        if not terms[-1].key:
            raise StateError(f"label selector {selector!r}: empty key in {part!r}")
    return LabelQuery(tuple(terms))


def _split(selector: str) -> Sequence[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in selector:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return [p for p in parts if p]
