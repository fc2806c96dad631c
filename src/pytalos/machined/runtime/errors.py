"""Errors of the resource runtime, each naming the resource (namespace/type/id) it is about.

The classes mirror COSI's error kinds (not found, conflict, owner conflict, phase conflict, pending
finalizers, ...) so callers can branch on the kind while the message still says where and why.
"""

from __future__ import annotations

from collections.abc import Iterable


class StateError(Exception):
    """Base of every error raised by the resource state or the controller runtime."""


class NotFoundError(StateError):
    """The resource (or its type) does not exist."""


class ConflictError(StateError):
    """A write raced with another one or contradicts the stored resource."""


class AlreadyExistsError(ConflictError):
    """Create of a resource that already exists."""


class VersionConflictError(ConflictError):
    """Update based on a stale version."""


class OwnerConflictError(ConflictError):
    """Write by someone other than the resource's owner."""


class PhaseConflictError(ConflictError):
    """Update of a resource that is not in the expected phase (e.g. already tearing down)."""


class PendingFinalizersError(ConflictError):
    """Destroy of a resource whose finalizers are not all removed yet."""


class OwnershipGuardError(StateError):
    """Write of a resource type that is declared as another controller's output."""


class AccessError(StateError):
    """A controller read or wrote a resource it did not declare as input/output."""


class InvalidBookmarkError(StateError):
    """A watch was asked to resume from a bookmark that is unknown or already overwritten."""


class DefinitionError(StateError):
    """A resource definition is malformed (type name, suffix, sensitivity, ...)."""


class UnknownTypeError(NotFoundError):
    """No registered resource type matches a name or alias."""


class AmbiguousTypeError(StateError):
    """An alias matches several registered resource types."""

    def __init__(self, name: str, candidates: Iterable[str]) -> None:
        self.name = name
        self.candidates = sorted(candidates)
        super().__init__(f"resource type {name!r} is ambiguous: {', '.join(self.candidates)}")


class ControllerConfigError(StateError):
    """Controllers declared conflicting outputs or were registered twice."""


class WatchTimeoutError(StateError, TimeoutError):
    """A condition on a resource was not reached in time; the message says which and its last state."""
