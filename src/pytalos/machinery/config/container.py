"""A machine config as a whole: the ordered set of documents one YAML stream holds.

Everything that handles "a config" (``apply-config``, ``gen config``, patching, validation, redaction)
works on several documents at once — the legacy ``v1alpha1`` document plus typed documents such as
``LinkConfig`` — so this module gives them one home with Talos's rules (``container/container.go``):
the v1alpha1 document comes first, a document identity (``apiVersion/kind[/name]``) appears once,
kinds that declare conflicts cannot be combined, and encoding joins documents exactly as Talos does.

Documents are :class:`~pytalos.machinery.config.schema.Struct` instances: the v1alpha1 ``Config``
(``types.v1alpha1``, imported lazily) or :class:`~pytalos.machinery.config.document.Document`
subclasses. A container loaded from a patch may also hold ``$patch: delete`` selectors.

Optional hooks a document class may define (looked up by name):

* ``conflicts_with_kinds(self) -> list[str]`` — kinds that must not appear with the same name;
* ``v1alpha1_conflict(self, cfg) -> str | None`` — the error when combined with this v1alpha1 config;
* ``redact(self, replacement: str) -> None`` — hide secrets (see :meth:`Container.redacted`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..yamlx import emit_documents
from ..yamlx.nodes import Node
from .deletes import DeleteSelector
from .document import Document
from .errors import ConfigError, ValidationError
from .schema import Struct, encode_struct

if TYPE_CHECKING:
    from .validation.located import Location

V1ALPHA1 = "v1alpha1"

# tests (and tools) may substitute the v1alpha1 class while the real one is unavailable
# unit tests swap in a small stand-in v1alpha1 class (tests/unit/machinery/config/_fakes.py)
_v1alpha1_override: type[Struct] | None = None


def v1alpha1_class() -> type[Struct]:
    """The v1alpha1 ``Config`` class (imported lazily: most callers never need it)."""
    if _v1alpha1_override is not None:
        return _v1alpha1_override
    from .types.v1alpha1 import Config

    cls: type[Struct] = Config
    return cls


def is_v1alpha1(doc: object) -> bool:
    """True for the legacy v1alpha1 document (the one without ``kind``)."""
    if isinstance(doc, Document) or not isinstance(doc, Struct):
        return False
    return isinstance(doc, v1alpha1_class())


def doc_kind(doc: Struct) -> str:
    """Kind as Talos reports it (``v1alpha1`` for the legacy document)."""
    return doc.kind if isinstance(doc, Document) else V1ALPHA1


def doc_api_version(doc: Struct) -> str:
    """apiVersion as Talos reports it ("" for the legacy document)."""
    return doc.api_version if isinstance(doc, Document) else ""


def doc_name(doc: Struct) -> str:
    return doc.doc_name if isinstance(doc, Document) else ""


def doc_identity(doc: Struct) -> str:
    """``apiVersion/kind[/name]`` (``v1alpha1`` for the legacy document): what patches match on."""
    return doc.identity() if isinstance(doc, Document) else V1ALPHA1


def doc_id(doc: Struct) -> str:
    """``kind[/name]``: how Talos names a document in validation errors."""
    name = doc_name(doc)
    kind = doc_kind(doc)
    return f"{kind}/{name}" if isinstance(doc, Document) and doc.NAMED else kind


def _conflicting_kinds(doc: Struct) -> list[str]:
    hook = getattr(doc, "conflicts_with_kinds", None)
    kinds = hook() if callable(hook) else []
    return [str(k) for k in kinds]


Entry = Struct | DeleteSelector


class Container:
    """An ordered collection of config documents (and, for patches, delete selectors).

    ``allow_duplicates`` is for patches, where several documents with one identity are applied in
    sequence; a normal config rejects them (``duplicate document``, ``duplicate v1alpha1.Config``) and
    rejects kinds declared as conflicting (``conflicting documents: X and Y``). ``nodes`` (given by the
    loader, aligned with ``documents`` as passed) are the source YAML nodes, so validation errors can
    name lines.
    """

    def __init__(
        self,
        documents: Iterable[Entry] = (),
        *,
        allow_duplicates: bool = False,
        source: str = "",
        raw: bytes | None = None,
        nodes: Iterable[Node | None] | None = None,
    ) -> None:
        self._entries: list[Entry] = list(documents)
        # the YAML node each entry was decoded from (None: built in code or added later); aligned
        # with ``_entries`` and used to turn validation paths into source lines
        known = list(nodes) if nodes is not None else []
        self._nodes: list[Node | None] = (known + [None] * len(self._entries))[: len(self._entries)]
        self.allow_duplicates = allow_duplicates
        self.source = source
        self._raw = raw
        if not allow_duplicates:
            errors = self._structure_errors()
            if errors:
                raise ConfigError(errors[0], source=source)

    # ------------------------------------------------------------------ access

    @property
    def documents(self) -> list[Entry]:
        """All documents in Talos order: v1alpha1 delete selectors, the v1alpha1 document, the rest."""
        first = [e for e in self._entries if isinstance(e, DeleteSelector) and e.kind == V1ALPHA1]
        legacy = [e for e in self._entries if not isinstance(e, DeleteSelector) and is_v1alpha1(e)]
        taken = {id(e) for e in first + legacy}
        return first + legacy + [e for e in self._entries if id(e) not in taken]

    @property
    def config_documents(self) -> list[Struct]:
        """The documents without delete selectors (what gets encoded)."""
        return [e for e in self.documents if not isinstance(e, DeleteSelector)]

    @property
    def selectors(self) -> list[DeleteSelector]:
        return [e for e in self.documents if isinstance(e, DeleteSelector)]

    def __iter__(self) -> Iterator[Struct]:
        return iter(self.config_documents)

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Container):
            return NotImplemented
        return self.encode() == other.encode() and self.selectors == other.selectors

    def __repr__(self) -> str:
        names = [str(e) if isinstance(e, DeleteSelector) else doc_identity(e) for e in self.documents]
        return f"Container({names})"

    def v1alpha1(self) -> Any:
        """The v1alpha1 document, or None."""
        for doc in self._entries:
            if not isinstance(doc, DeleteSelector) and is_v1alpha1(doc):
                return doc
        return None

    def get(self, kind: str, name: str = "") -> Struct | None:
        """The first document of ``kind`` (and ``name`` for named kinds); ``v1alpha1`` for the legacy one."""
        for doc in self.config_documents:
            if doc_kind(doc) == kind and (not name or doc_name(doc) == name):
                return doc
        return None

    def find(self, identity: str) -> Struct | None:
        """The document whose ``apiVersion/kind[/name]`` is ``identity``."""
        for doc in self.config_documents:
            if doc_identity(doc) == identity:
                return doc
        return None

    def get_all(self, kind: str) -> list[Struct]:
        return [doc for doc in self.config_documents if doc_kind(doc) == kind]

    @property
    def nodes(self) -> list[Node | None]:
        """The source YAML node of each of :attr:`documents` (None when not loaded from text)."""
        by_id = {id(e): n for e, n in zip(self._entries, self._nodes, strict=True)}
        return [by_id.get(id(e)) for e in self.documents]

    def node_of(self, doc: Entry) -> Node | None:
        """The source YAML node ``doc`` was decoded from, if this container knows it."""
        return next((n for e, n in zip(self._entries, self._nodes, strict=True) if e is doc), None)

    def line_of(self, doc: Entry, path: str) -> int:
        """1-based source line of ``path`` inside ``doc`` (nearest existing ancestor), -1 if unknown."""
        from .validation.located import resolve_line

        line = resolve_line(self.node_of(doc), path)
        return line + 1 if line >= 0 else -1

    def locate(
        self, locations: Iterable[Location], documents: list[Struct] | None = None
    ) -> list[tuple[str, int, str]]:
        """``(path, line, message)`` of validation locations whose ``document`` indexes ``documents``
        (default :attr:`config_documents`, the list :meth:`validate` checks)."""
        docs = self.config_documents if documents is None else documents
        out: list[tuple[str, int, str]] = []
        for loc in locations:
            doc = docs[loc.document] if 0 <= loc.document < len(docs) else None
            out.append((loc.path, self.line_of(doc, loc.path) if doc is not None else -1, loc.message))
        return out

    # ------------------------------------------------------------------ mutation (patching)

    def append(self, doc: Entry) -> None:
        self._entries.append(doc)
        self._nodes.append(None)
        self._raw = None

    def remove(self, doc: Entry) -> None:
        kept = [(e, n) for e, n in zip(self._entries, self._nodes, strict=True) if e is not doc]
        self._entries = [e for e, _ in kept]
        self._nodes = [n for _, n in kept]
        self._raw = None

    def clone(self) -> Container:
        """A deep copy (documents included); the copy no longer remembers its source bytes.

        The source nodes are kept (shared, they are never modified), so the copy's validation errors
        still point at lines of the original file.
        """
        out = Container.__new__(Container)
        out._entries = copy.deepcopy(self._entries)
        out._nodes = list(self._nodes)
        out.allow_duplicates = self.allow_duplicates
        out.source = self.source
        out._raw = None
        return out

    # ------------------------------------------------------------------ encoding

    def encode_nodes(self, with_docs: bool = False, with_examples: bool = False) -> list[Node]:
        return [encode_struct(doc, with_docs, with_examples) for doc in self.config_documents]

    def encode(self, with_docs: bool = False, with_examples: bool = False) -> str:
        """YAML of every document (v1alpha1 first), joined with ``---`` lines like Talos.

        ``with_docs`` writes field descriptions as comments, ``with_examples`` commented-out examples
        of empty fields (``gen config --with-docs/--with-examples``).
        """
        nodes = self.encode_nodes(with_docs, with_examples)
        return emit_documents(nodes) if nodes else ""

    def bytes(self) -> bytes:
        """The source bytes when loaded and untouched (like Talos's read-only containers), else encoded."""
        if self._raw is not None:
            return self._raw
        return self.encode().encode()

    # ------------------------------------------------------------------ validation

    def _structure_errors(self) -> list[str]:
        errors: list[str] = []
        seen: set[str] = set()
        conflicting: dict[str, str] = {}
        legacy_seen = False
        for doc in self._entries:
            if isinstance(doc, DeleteSelector):
                continue
            if is_v1alpha1(doc):
                if legacy_seen:
                    errors.append("duplicate v1alpha1.Config")
                legacy_seen = True
                continue
            name = doc_name(doc)
            ident = f"{doc_kind(doc)}/{name}"
            if ident in seen:
                errors.append(f"duplicate document: {ident}")
                continue
            seen.add(ident)
            if ident in conflicting:
                errors.append(f"conflicting documents: {conflicting[ident]} and {ident}")
            for kind in _conflicting_kinds(doc):
                other = f"{kind}/{name}"
                if other in seen:
                    errors.append(f"conflicting documents: {other} and {ident}")
                conflicting[other] = ident
        return errors

    def validate(self, mode: str = "metal", strict: bool = False) -> list[str]:
        """Validate every document; return warnings or raise :class:`ValidationError` with all errors.

        The rules and their order are Talos's (``validation.validate_documents``): v1alpha1 errors as
        one ``v1alpha1.Config: …`` entry, other documents' errors prefixed with ``kind[/name]: ``,
        then conflicts and cross-document checks. With ``strict`` any warning is an error. The error's
        ``locations`` name the YAML path and source line of each located message; returned warnings
        are :class:`~.validation.located.Located` strings when they know their path.
        """
        from .validation.container import validate_documents_report

        docs = self.config_documents
        report = validate_documents_report(docs, mode, strict)
        errors = self._structure_errors() + report.errors
        if errors:
            located = self.locate([loc for loc in report.locations if not loc.warning], docs)
            raise ValidationError(errors, source=self.source, locations=located)
        return report.warnings

    # ------------------------------------------------------------------ secrets

    def redacted(self, replacement: str = "REDACTED") -> Container:
        """A copy with every secret replaced by ``replacement`` (documents implementing ``redact``)."""
        out = self.clone()
        for doc in out.config_documents:
            redact = getattr(doc, "redact", None)
            if callable(redact):
                redact(replacement)
        return out
