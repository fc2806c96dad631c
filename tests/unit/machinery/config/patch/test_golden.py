"""Golden patch cases of our own (tests/testdata/patch/<case>/{input,patch*,expected}.yaml).

The upstream fixtures cover Talos's published cases; these cover shapes users hit daily (interfaces
merged by name, admission plugins deleted by name, LinkConfig address swap, same-identity documents
applied in sequence, JSON patches), and adding a case needs no code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytalos.machinery.config.loader import load
from pytalos.machinery.config.patch import apply, load_patch

CASES = Path(__file__).resolve().parents[4] / "testdata" / "patch"


def _cases() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "input.yaml").is_file())


def test_cases_exist() -> None:
    assert len(_cases()) >= 5


@pytest.mark.parametrize("case", _cases())
def test_golden_patch_case(case: str) -> None:
    folder = CASES / case
    config = load((folder / "input.yaml").read_bytes(), str(folder / "input.yaml"))
    patches = [load_patch(p.read_bytes(), str(p)) for p in sorted(folder.glob("patch*.yaml"))]
    assert patches, f"{folder} has no patch*.yaml"
    result = apply(config, patches).encode()
    assert result == (folder / "expected.yaml").read_text()
    # the result is a stable config: it reads back to the same bytes
    assert load(result).encode() == result
