"""Golden renders: static pods, KubeletConfiguration and the encryption config, byte for byte.

Every folder of ``tests/testdata/k8s`` is a case: ``input.yaml`` names what to render and with which
settings, ``expected.yaml`` is the exact text. Adding a case is adding a folder. Cases marked
"compare Talos's ..." reproduce the structure of Talos's own ``k8stemplates/testdata`` files.
Set ``PYTALOS_RECORD_GOLDEN=1`` to (re)write missing or changed ``expected.yaml`` files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from ._golden import render

pytestmark = pytest.mark.unit

CASES = Path(__file__).resolve().parents[3] / "testdata" / "k8s"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case: str) -> None:
    folder = CASES / case
    out = render(yaml.safe_load((folder / "input.yaml").read_text()))
    expected = folder / "expected.yaml"
    if os.environ.get("PYTALOS_RECORD_GOLDEN") == "1":
        expected.write_text(out)
    assert expected.exists(), f"{expected} is missing (record it with PYTALOS_RECORD_GOLDEN=1)"
    assert out == expected.read_text(), f"{case}: render differs from {expected}"
