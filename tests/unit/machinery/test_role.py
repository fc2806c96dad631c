"""Role parsing must keep unknown roles, skip empty ones and sort like Talos's role.Set."""

from __future__ import annotations

import pytest

from pytalos.machinery import role

pytestmark = pytest.mark.unit


def test_parse_keeps_unknown_and_skips_empty() -> None:
    given = ["os:admin", "os:reader", "os:future", "os:impersonator", "", " "]
    roles, unknown = role.parse_with_unknown(given)
    assert unknown == ["os:future"]
    assert roles == role.RoleSet([role.ADMIN, role.READER, "os:future", role.IMPERSONATOR])
    assert roles.strings() == ["os:admin", "os:future", "os:impersonator", "os:reader"]


def test_parse_trims_whitespace() -> None:
    assert role.parse([" os:operator "]).strings() == ["os:operator"]


def test_strict_parse_rejects_unknown_roles_like_talosctl() -> None:
    with pytest.raises(role.UnknownRolesError) as info:
        role.parse(["os:admin", "os:future", "bogus"], strict=True)
    assert str(info.value) == "unknown roles: os:future, bogus"
    assert info.value.unknown == ["os:future", "bogus"]
    assert role.parse(["os:future"]).strings() == ["os:future"]


def test_all_known_roles() -> None:
    assert role.ALL.strings() == sorted(
        [
            "os:admin",
            "os:operator",
            "os:reader",
            "os:etcd:backup",
            "os:image:verifier",
            "os:meta:writer",
            "os:impersonator",
        ]
    )
    for name in role.ALL:
        assert role.parse([name], strict=True).includes(name)


def test_set_operations() -> None:
    roles = role.parse(["os:admin", "os:reader"])
    assert roles.includes(role.ADMIN) and not roles.includes("wrong")
    assert role.READER in roles
    assert roles.includes_any(role.RoleSet([role.ADMIN]))
    assert not roles.includes_any(role.RoleSet(["wrong"]))
    assert not roles.includes_any(role.ZERO)
    assert not role.ZERO.includes_any(roles)
    assert role.ZERO.strings() == [] and len(role.ZERO) == 0
    assert hash(role.RoleSet(["a", "b"])) == hash(role.RoleSet(["b", "a"]))
