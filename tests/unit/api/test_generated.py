"""The committed generated code (src/pytalos/api/gen) is exactly what `make proto` produces now."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GEN = ROOT / "src" / "pytalos" / "api" / "gen"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen-proto"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    fresh, committed = _tree(out), _tree(GEN)
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, f"generated code is stale: run make proto (differs: {', '.join(stale)})"


def test_generated_modules_import_as_a_package() -> None:
    from pytalos.api.gen.machine import machine_grpc, machine_pb2
    from pytalos.api.gen.v1alpha1 import state_grpc

    assert machine_pb2.Version.__module__ == "pytalos.api.gen.machine.machine_pb2"
    assert hasattr(machine_grpc, "MachineServiceStub") and hasattr(state_grpc, "StateBase")
    # the proto folders named like stdlib modules must not shadow them
    import inspect
    import time

    assert callable(time.monotonic) and callable(inspect.signature)
