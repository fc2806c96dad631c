"""Resource runtime of machined, modelled on COSI (``cosi-project/runtime``).

Everything machined knows about the node is a *resource* in the in-memory :class:`State`;
*controllers* declare which resources they read and write and the :class:`ControllerRuntime`
re-runs them whenever their inputs change, until the node converges on what the machine config
asks for. ``talosctl get``/``watch``/``inspect dependencies`` read this state through the
:class:`ResourceRegistry` (type aliases) and :func:`to_dot` (controller graph).
"""

from .adapter import Runtime
from .collection import Watch
from .controller import Controller, Input, InputKind, Output, OutputKind, Reconciler
from .definition import ResourceDefinition, Sensitivity, define
from .engine import Backoff, ControllerRuntime, ControllerState, ControllerStatus
from .errors import (
    AccessError,
    AlreadyExistsError,
    AmbiguousTypeError,
    ConflictError,
    ControllerConfigError,
    DefinitionError,
    InvalidBookmarkError,
    NotFoundError,
    OwnerConflictError,
    OwnershipGuardError,
    PendingFinalizersError,
    PhaseConflictError,
    StateError,
    UnknownTypeError,
    VersionConflictError,
    WatchTimeoutError,
)
from .events import Event, EventType
from .graph import DependencyEdge, EdgeType, dependency_edges, to_dot
from .query import LabelOp, LabelQuery, LabelTerm, Query, parse_selector
from .registry import ResourceRegistry
from .resource import Metadata, Phase, Pointer, Resource
from .state import State

__all__ = [
    "AccessError",
    "AlreadyExistsError",
    "AmbiguousTypeError",
    "Backoff",
    "ConflictError",
    "Controller",
    "ControllerConfigError",
    "ControllerRuntime",
    "ControllerState",
    "ControllerStatus",
    "DefinitionError",
    "DependencyEdge",
    "EdgeType",
    "Event",
    "EventType",
    "Input",
    "InputKind",
    "InvalidBookmarkError",
    "LabelOp",
    "LabelQuery",
    "LabelTerm",
    "Metadata",
    "NotFoundError",
    "Output",
    "OutputKind",
    "OwnerConflictError",
    "OwnershipGuardError",
    "PendingFinalizersError",
    "Phase",
    "PhaseConflictError",
    "Pointer",
    "Query",
    "Reconciler",
    "Resource",
    "ResourceDefinition",
    "ResourceRegistry",
    "Runtime",
    "Sensitivity",
    "State",
    "StateError",
    "UnknownTypeError",
    "VersionConflictError",
    "Watch",
    "WatchTimeoutError",
    "define",
    "dependency_edges",
    "parse_selector",
    "to_dot",
]
