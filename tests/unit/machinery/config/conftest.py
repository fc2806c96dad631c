"""Shared fixtures for the config-container tests (fake v1alpha1 stand-in, real-kind guards)."""

from __future__ import annotations

import pytest

from pytalos.machinery.config.document import lookup
from pytalos.machinery.config.schema import Struct

from ._fakes import FakeConfig, fake_v1alpha1  # noqa: F401  (re-exported fixture)


def require_v1alpha1() -> type[Struct]:
    """The real v1alpha1 Config class."""
    from pytalos.machinery.config.types.v1alpha1 import Config

    cls: type[Struct] = Config
    return cls


def require_kinds(*kinds: str) -> None:
    """Fail clearly when a document kind a test relies on is not registered."""
    missing = [k for k in kinds if lookup("v1alpha1", k) is None]
    assert not missing, f"document kinds not registered: {', '.join(missing)}"


@pytest.fixture
def any_v1alpha1() -> type[Struct]:
    """The real v1alpha1 Config."""
    return require_v1alpha1()
