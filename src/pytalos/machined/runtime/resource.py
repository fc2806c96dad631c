"""Resources: metadata + typed spec, the unit of state every controller reads and writes.

A resource is addressed by (namespace, type, id) like a COSI resource; its metadata carries the
version the state bumps on every write, the owner (the controller allowed to write it), the
lifecycle phase and finalizers used for ordered teardown, and labels for queries. Specs are plain
dataclasses or dicts; :meth:`Resource.deep_copy` copies them with a fast path for the usual shapes
(scalars, lists, dicts, dataclasses) so that the state can hand out private copies cheaply.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import time
from collections.abc import Callable, Mapping
from typing import Any, Generic, NamedTuple, TypeVar

S = TypeVar("S")


class Phase(enum.Enum):
    """Lifecycle phase: a resource being torn down waits for its finalizers before destruction."""

    RUNNING = "running"
    TEARING_DOWN = "tearing-down"


class Pointer(NamedTuple):
    """Address of one resource."""

    namespace: str
    type: str
    id: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.type}/{self.id}"


class Metadata:
    """Resource metadata (COSI ``resource.Metadata``); ``version`` 0 means "never stored"."""

    __slots__ = (
        "annotations",
        "created",
        "finalizers",
        "id",
        "labels",
        "namespace",
        "owner",
        "phase",
        "type",
        "updated",
        "version",
    )

    def __init__(
        self,
        namespace: str,
        type: str,
        id: str,
        *,
        version: int = 0,
        owner: str = "",
        phase: Phase = Phase.RUNNING,
        created: float = 0.0,
        updated: float = 0.0,
        labels: Mapping[str, str] | None = None,
        annotations: Mapping[str, str] | None = None,
        finalizers: list[str] | None = None,
    ) -> None:
        self.namespace = namespace
        self.type = type
        self.id = id
        self.version = version
        self.owner = owner
        self.phase = phase
        self.created = created
        self.updated = updated
        self.labels: dict[str, str] = dict(labels) if labels else {}
        self.annotations: dict[str, str] = dict(annotations) if annotations else {}
        self.finalizers: list[str] = list(finalizers) if finalizers else []

    @property
    def pointer(self) -> Pointer:
        return Pointer(self.namespace, self.type, self.id)

    def copy(self) -> Metadata:
        new = Metadata.__new__(Metadata)
        new.namespace = self.namespace
        new.type = self.type
        new.id = self.id
        new.version = self.version
        new.owner = self.owner
        new.phase = self.phase
        new.created = self.created
        new.updated = self.updated
        new.labels = self.labels.copy()
        new.annotations = self.annotations.copy()
        new.finalizers = self.finalizers.copy()
        return new

    def add_finalizer(self, name: str) -> bool:
        """Add ``name`` unless present; True when something changed."""
        if name in self.finalizers:
            return False
        self.finalizers.append(name)
        return True

    def remove_finalizer(self, name: str) -> bool:
        if name not in self.finalizers:
            return False
        self.finalizers.remove(name)
        return True

    def same_user_fields(self, other: Metadata) -> bool:
        """Equality of what a writer may change (labels, annotations, finalizers, phase)."""
        return (
            self.labels == other.labels
            and self.annotations == other.annotations
            and self.finalizers == other.finalizers
            and self.phase is other.phase
        )

    def as_dict(self) -> dict[str, Any]:
        """Plain form (YAML/JSON friendly), in the field order talosctl prints."""
        return {
            "namespace": self.namespace,
            "type": self.type,
            "id": self.id,
            "version": self.version,
            "owner": self.owner,
            "phase": self.phase.value,
            "created": _iso(self.created),
            "updated": _iso(self.updated),
            "labels": dict(self.labels),
            "annotations": dict(self.annotations),
            "finalizers": list(self.finalizers),
        }

    def __repr__(self) -> str:
        phase = self.phase.value
        return f"Metadata({self.pointer}, version={self.version}, owner={self.owner!r}, phase={phase})"


class Resource(Generic[S]):
    """A resource: :class:`Metadata` plus a spec of type ``S``."""

    __slots__ = ("metadata", "spec")

    def __init__(self, metadata: Metadata, spec: S) -> None:
        self.metadata = metadata
        self.spec = spec

    @classmethod
    def new(cls, namespace: str, type: str, id: str, spec: S, **meta: Any) -> Resource[S]:
        return cls(Metadata(namespace, type, id, **meta), spec)

    @property
    def pointer(self) -> Pointer:
        return self.metadata.pointer

    def deep_copy(self) -> Resource[S]:
        new: Resource[S] = Resource.__new__(Resource)
        new.metadata = self.metadata.copy()
        new.spec = copy_spec(self.spec)
        return new

    def same_content(self, other: Resource[Any]) -> bool:
        """Equal spec and writer-visible metadata: an update to ``other`` would change nothing."""
        return self.metadata.same_user_fields(other.metadata) and bool(self.spec == other.spec)

    def __repr__(self) -> str:
        return f"Resource({self.metadata!r}, spec={self.spec!r})"


def _iso(ts: float) -> str:
    if not ts:
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


_IMMUTABLE = (str, int, float, bool, bytes, type(None), enum.Enum, frozenset)
_SCALARS = frozenset({str, int, float, bool, bytes, type(None)})
_copiers: dict[type, Callable[[Any], Any]] = {}


def copy_spec(value: S) -> S:
    """Deep copy of a spec; fast for scalars, lists, dicts, tuples and dataclasses of those."""
    copier = _copiers.get(type(value))
    if copier is None:
        copier = _copier_for(type(value))
        _copiers[type(value)] = copier
    result: S = copier(value)
    return result


def _copy_value(value: Any) -> Any:
    if isinstance(value, _IMMUTABLE):
        return value
    if type(value) is list:
        return [_copy_value(v) for v in value]
    if type(value) is dict:
        return {k: _copy_value(v) for k, v in value.items()}
    return copy_spec(value)


def _copier_for(cls: type) -> Callable[[Any], Any]:
    if issubclass(cls, _IMMUTABLE):
        return _identity
    if hasattr(cls, "deep_copy"):
        return _call_deep_copy
    if cls is list or cls is dict:
        return _copy_value
    if cls is tuple:
        return lambda v: tuple(_copy_value(x) for x in v)
    if dataclasses.is_dataclass(cls) and not hasattr(cls, "__slots__"):

        def copy_dataclass(v: Any) -> Any:
            new = object.__new__(cls)
            new.__dict__.update(
                {k: x if type(x) in _SCALARS else _copy_value(x) for k, x in v.__dict__.items()}
            )
            return new

        return copy_dataclass
    return copy.deepcopy


def _identity(value: Any) -> Any:
    return value


def _call_deep_copy(value: Any) -> Any:
    return value.deep_copy()
