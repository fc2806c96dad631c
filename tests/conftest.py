"""Test tiers: every test carries one of the markers unit/node/cluster (tests/unit → unit by default)."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# CI must be reproducible: property tests explore a fixed set of examples there (derandomized);
# on a developer's machine they keep exploring new random examples every run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

_TIERS = ("unit", "node", "cluster")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(t) for t in _TIERS):
            continue
        parts = item.path.parts
        if "unit" in parts:
            item.add_marker(pytest.mark.unit)
        elif "node" in parts:
            item.add_marker(pytest.mark.node)
        elif "cluster" in parts:
            item.add_marker(pytest.mark.cluster)
