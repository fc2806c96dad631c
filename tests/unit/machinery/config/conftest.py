"""Shared fixtures for the config-container tests (fake v1alpha1 stand-in, real-kind guards)."""

from __future__ import annotations

import pytest

from pytalos.machinery.config import container as container_mod
from pytalos.machinery.config.document import lookup
from pytalos.machinery.config.schema import Struct

from ._fakes import FakeConfig, fake_v1alpha1  # noqa: F401  (re-exported fixture)


def real_v1alpha1() -> type[Struct] | None:
    try:
        from pytalos.machinery.config.types.v1alpha1 import Config
    except ImportError:
        return None
    cls: type[Struct] = Config
    return cls


def require_v1alpha1() -> type[Struct]:
    """The real v1alpha1 Config class; skips while it is not written yet."""
    cls = real_v1alpha1()
    if cls is None:
        pytest.skip("types.v1alpha1.Config is not available yet")
    return cls


def require_kinds(*kinds: str) -> None:
    """Skip while any of these document kinds is not registered yet."""
    missing = [k for k in kinds if lookup("v1alpha1", k) is None]
    if missing:
        pytest.skip(f"document kinds not available yet: {', '.join(missing)}")


@pytest.fixture
def any_v1alpha1(monkeypatch: pytest.MonkeyPatch) -> type[Struct]:
    """The real v1alpha1 Config when available, else the small fake one."""
    cls = real_v1alpha1()
    if cls is None:
        monkeypatch.setattr(container_mod, "_v1alpha1_override", FakeConfig)
        return FakeConfig
    return cls
