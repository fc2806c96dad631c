"""Locate the shared upstream fixtures (``../shared`` beside the checkout); skip clearly when absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
TALOS_CONFIG_TESTDATA = ("testdata", "talos", "pkg", "machinery", "config")


def shared_path(*parts: str) -> Path:
    """Path under ../shared; skips the calling test with a clear message when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is not present beside the checkout (looked for {path})")
    return path


def config_testdata(*parts: str) -> Path:
    """Path under ../shared/testdata/talos/pkg/machinery/config."""
    return shared_path(*TALOS_CONFIG_TESTDATA, *parts)
