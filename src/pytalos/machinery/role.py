"""Talos API roles (``pkg/machinery/role``).

A caller's roles are the Organization (O=) values of its client certificate; the same strings are used
for ``--roles`` flags and the ``talos-role`` gRPC metadata.  Parsing keeps unknown roles (a newer
Talos may have granted them) and skips empty strings (old client certificates carried one empty O=),
so the authorizer and ``talosctl config info`` see exactly what Talos would.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

PREFIX: Final = "os:"
ADMIN: Final = "os:admin"
OPERATOR: Final = "os:operator"
READER: Final = "os:reader"
ETCD_BACKUP: Final = "os:etcd:backup"
IMAGE_VERIFIER: Final = "os:image:verifier"
META_WRITER: Final = "os:meta:writer"
IMPERSONATOR: Final = "os:impersonator"


class UnknownRolesError(ValueError):
    """Strict parsing met roles this version does not know (``unknown roles: a, b``)."""

    def __init__(self, unknown: list[str]) -> None:
        super().__init__("unknown roles: " + ", ".join(unknown))
        self.unknown = unknown


class RoleSet:
    """An immutable set of role strings; ``strings()`` is sorted like Go's ``Set.Strings``."""

    __slots__ = ("_roles",)

    def __init__(self, roles: Iterable[str] = ()) -> None:
        self._roles = frozenset(roles)

    def strings(self) -> list[str]:
        return sorted(self._roles)

    def includes(self, role: str) -> bool:
        return role in self._roles

    def includes_any(self, other: RoleSet) -> bool:
        """True if the sets intersect; false when either is empty."""
        return not self._roles.isdisjoint(other._roles)

    def __contains__(self, role: object) -> bool:
        return role in self._roles

    def __iter__(self) -> Iterator[str]:
        return iter(self.strings())

    def __len__(self) -> int:
        return len(self._roles)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RoleSet) and self._roles == other._roles

    def __hash__(self) -> int:
        return hash(self._roles)

    def __repr__(self) -> str:
        return f"RoleSet({self.strings()!r})"


#: Every role that can be granted to a user.
ALL: Final = RoleSet([ADMIN, OPERATOR, READER, ETCD_BACKUP, IMAGE_VERIFIER, META_WRITER, IMPERSONATOR])
#: The empty role set.
ZERO: Final = RoleSet()


def parse_with_unknown(roles: Iterable[str]) -> tuple[RoleSet, list[str]]:
    """``role.Parse``: trimmed, empties skipped, unknown roles kept in the set *and* listed apart."""
    kept: list[str] = []
    unknown: list[str] = []
    for raw in roles:
        name = raw.strip()
        if not name:
            continue
        if name not in ALL:
            unknown.append(name)
        kept.append(name)
    return RoleSet(kept), unknown


def parse(roles: Iterable[str], strict: bool = False) -> RoleSet:
    """Parse role strings; ``strict`` makes unknown roles raise :class:`UnknownRolesError` like talosctl."""
    result, unknown = parse_with_unknown(roles)
    if strict and unknown:
        raise UnknownRolesError(unknown)
    return result
