"""Registry of resource definitions and the alias resolution ``talosctl get <name>`` relies on.

Resolution first looks for the type itself (any case), then for aliases; an alias shared by
several types is an error naming every candidate, as is a name nothing matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .definition import ResourceDefinition
from .errors import AmbiguousTypeError, DefinitionError, UnknownTypeError


class ResourceRegistry:
    """Registered :class:`ResourceDefinition` objects keyed by type."""

    def __init__(self, definitions: Iterable[ResourceDefinition] = ()) -> None:
        self._by_type: dict[str, ResourceDefinition] = {}
        self._by_alias: dict[str, set[str]] = {}
        for d in definitions:
            self.register(d)

    def register(self, definition: ResourceDefinition) -> None:
        if definition.type in self._by_type:
            if self._by_type[definition.type] == definition:
                return
            raise DefinitionError(f"resource type {definition.type!r} is already registered differently")
        self._by_type[definition.type] = definition
        for alias in (definition.id, *definition.all_aliases):
            self._by_alias.setdefault(alias, set()).add(definition.type)

    def get(self, type: str) -> ResourceDefinition:
        try:
            return self._by_type[type]
        except KeyError:
            raise UnknownTypeError(f"resource type {type!r} is not registered") from None

    def find(self, type: str) -> ResourceDefinition | None:
        return self._by_type.get(type)

    def resolve(self, name: str) -> ResourceDefinition:
        """The definition ``name`` designates: its type (any case) wins over aliases of others."""
        low = name.lower()
        exact = [t for t in self._by_alias.get(low, ()) if t.lower() == low]
        if exact:
            return self._by_type[exact[0]]
        candidates = self._by_alias.get(low, set())
        if not candidates:
            raise UnknownTypeError(f"resource type {name!r} is not registered (no type or alias matches)")
        if len(candidates) > 1:
            raise AmbiguousTypeError(name, candidates)
        return self._by_type[next(iter(candidates))]

    def __iter__(self) -> Iterator[ResourceDefinition]:
        return iter(sorted(self._by_type.values(), key=lambda d: d.type))

    def __len__(self) -> int:
        return len(self._by_type)

    def __contains__(self, type: object) -> bool:
        return type in self._by_type
