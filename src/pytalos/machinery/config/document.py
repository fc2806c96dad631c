"""Machine-config documents: the common base and the registry of kinds.

A machine config is a stream of documents: the legacy ``v1alpha1`` one (no ``kind``) and typed
documents identified by ``apiVersion``/``kind`` (and ``name`` for named kinds). The registry maps a
kind to its class so the loader can decode any document the fixtures (and users) contain, and
rejects kinds it does not know with a message that says so.
"""

from __future__ import annotations

from typing import ClassVar

from .schema import Struct, yfield


class Document(Struct):
    """Base for typed documents (``apiVersion: v1alpha1`` + ``kind``)."""

    KIND: ClassVar[str] = ""
    API_VERSION: ClassVar[str] = "v1alpha1"
    NAMED: ClassVar[bool] = False
    # documents that hold secrets implement redact()

    api_version: str = yfield("apiVersion")
    kind: str = yfield("kind")

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.api_version:
            self.api_version = self.API_VERSION
        if not self.kind:
            self.kind = self.KIND

    @property
    def doc_name(self) -> str:
        """The ``name`` of a named document ("" for unnamed kinds)."""
        return str(getattr(self, "name", "")) if self.NAMED else ""

    def identity(self) -> str:
        """apiVersion/kind[/name]: the key for duplicate detection and patch matching."""
        ident = f"{self.api_version}/{self.kind}"
        return f"{ident}/{self.doc_name}" if self.NAMED else ident

    def validate(self, mode: str, strict: bool = False) -> tuple[list[str], list[str]]:
        """Return (warnings, errors). Kinds override this with their own rules."""
        return [], []


_REGISTRY: dict[tuple[str, str], type[Document]] = {}


def register(cls: type[Document]) -> type[Document]:
    """Class decorator: make a document kind known to the loader."""
    key = (cls.API_VERSION, cls.KIND)
    if key in _REGISTRY and _REGISTRY[key] is not cls:
        raise ValueError(f"document kind {cls.KIND} registered twice")
    _REGISTRY[key] = cls
    return cls


def lookup(api_version: str, kind: str) -> type[Document] | None:
    from . import kinds  # noqa: F401  (importing registers every kind)

    return _REGISTRY.get((api_version, kind))


def registered_kinds() -> list[type[Document]]:
    from . import kinds  # noqa: F401

    return list(_REGISTRY.values())
