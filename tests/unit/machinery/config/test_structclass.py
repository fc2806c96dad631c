"""Struct classes behave like dataclasses without being built by ``dataclasses`` (start-up cost)."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from typing import ClassVar

import pytest

import pytalos.machinery.config as config_pkg
from pytalos.machinery.config.schema import Struct, yfield


class Inner(Struct):
    value: int = yfield("value", omitempty=True)


class Outer(Struct):
    KIND: ClassVar[str] = "Outer"
    name: str = yfield("name")
    tags: list[str] = yfield("tags")
    inner: Inner | None = yfield("inner")
    plain: int = 7  # an annotated attribute without yfield is a field with a default too


class Child(Outer):
    extra: bool = yfield("extra")


def test_defaults_are_go_zero_values_and_factories_are_not_shared() -> None:
    a, b = Outer(), Outer()
    assert (a.name, a.tags, a.inner, a.plain) == ("", [], None, 7)
    a.tags.append("x")
    assert b.tags == []


def test_positional_keyword_eq_and_repr() -> None:
    assert Outer("n", ["t"]) == Outer(name="n", tags=["t"])
    assert Outer("n") != Outer("m")
    assert Outer("n") != Inner()
    assert repr(Inner(3)) == "Inner(value=3)"
    with pytest.raises(TypeError, match="unexpected keyword argument 'nope'"):
        Outer(nope=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'name'"):
        Outer("a", name="b")  # type: ignore[misc]


def test_inherited_fields_come_first_and_classvars_are_not_fields() -> None:
    assert [f.name for f in Child.__struct_fields__] == ["name", "tags", "inner", "plain", "extra"]
    assert Child(extra=True).extra is True


def test_no_config_struct_is_built_by_dataclasses() -> None:
    for mod in pkgutil.walk_packages(config_pkg.__path__, "pytalos.machinery.config."):
        importlib.import_module(mod.name)
    seen: set[type] = set()
    todo: list[type] = [Struct]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    assert len(seen) > 200
    offenders = sorted(c.__qualname__ for c in seen if "__dataclass_fields__" in c.__dict__)
    assert offenders == []
    assert not dataclasses.is_dataclass(Outer)
