"""Test tiers: every test carries one of the markers unit/node/cluster (tests/unit → unit by default)."""

from __future__ import annotations

import pytest

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
