"""Benchmarks of the pure library: gen config, load+validate, patch (issue: machinery targets).

Targets: ``talosctl gen config`` ≤ 0.5 s wall including interpreter start. Baselines: a bare
interpreter start (what any Python CLI pays) and PyYAML's C loader on the same bytes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

from .harness import Row, median_command_time, median_time

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO.parent / "shared" / "testdata" / "talos" / "pkg" / "machinery" / "config"
TALOSCTL = str(Path(sys.executable).with_name("talosctl"))


def bench_gen_config(runs: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        gen = median_command_time(
            [TALOSCTL, "gen", "config", "bench", "https://10.5.0.2:6443", "-o", tmp, "--force"], runs
        )
    start = median_command_time([sys.executable, "-c", "pass"], runs)
    return [Row("gen config (whole command)", gen, "python -c pass", start, "≤ 0.5 s")]


def bench_load_validate(runs: int) -> list[Row]:
    from pytalos.machinery.config.loader import load

    files = sorted((TESTDATA / "types" / "v1alpha1" / "testdata" / "stability").glob("v1.*/base-controlplane.yaml"))
    texts = [f.read_text() for f in files]

    def ours() -> None:
        for t in texts:
            load(t).validate("metal")

    def baseline() -> None:
        for t in texts:
            list(yaml.load_all(t, Loader=yaml.CSafeLoader))

    return [
        Row(
            f"load+validate ({len(texts)} stability configs)",
            median_time(ours, runs),
            "PyYAML CSafeLoader",
            median_time(baseline, runs),
        )
    ]


def bench_patch(runs: int) -> list[Row]:
    from pytalos.machinery.config.loader import load
    from pytalos.machinery.config.patch import apply, load_patches

    case = TESTDATA / "configpatcher" / "testdata" / "apply"
    config = (case / "config.yaml").read_text()
    patches = load_patches(
        [(case / name).read_text() for name in ("strategic1.yaml", "jsonpatch1.yaml", "jsonpatch2.yaml")]
    )

    def ours() -> None:
        apply(load(config), patches).encode()

    def baseline() -> None:
        yaml.dump(yaml.load(config, Loader=yaml.CSafeLoader), Dumper=yaml.CSafeDumper)

    return [Row("patch apply (strategic + 2 JSON)", median_time(ours, runs), "PyYAML load+dump", median_time(baseline, runs))]


ALL = (bench_gen_config, bench_load_validate, bench_patch)
