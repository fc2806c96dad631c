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
    secrets = TESTDATA / "types" / "v1alpha1" / "testdata" / "stability" / "secrets.yaml"
    argv = [TALOSCTL, "gen", "config", "bench", "https://10.5.0.2:6443", "--force"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = median_command_time([*argv, "-o", tmp], runs)
        reuse = median_command_time([*argv, "-o", tmp, "--with-secrets", str(secrets)], runs)
    start = median_command_time([sys.executable, "-c", "pass"], runs)
    rsa = median_time(_rsa_keygen, runs)
    click_start = median_command_time([TALOSCTL, "--help"], runs)
    return [
        # new secrets need an RSA-4096 key (contracts > v1.6, as Talos): its generation time, highly
        # variable, is the floor of this row, so it is the baseline
        Row("gen config, new secrets (whole command)", fresh, "RSA-4096 keygen alone", rsa, "≤ 0.5 s"),
        Row("gen config --with-secrets (whole command)", reuse, "python -c pass", start, "≤ 0.5 s"),
        Row("talosctl --help (CLI start-up)", click_start, "python -c pass", start),
    ]


def _rsa_keygen() -> None:
    """Talos contracts > v1.6 use an RSA-4096 service-account key: its generation time bounds gen config."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    rsa.generate_private_key(public_exponent=65537, key_size=4096)


def bench_load_validate(runs: int) -> list[Row]:
    from pytalos.machinery.config.loader import load

    files = sorted(
        (TESTDATA / "types" / "v1alpha1" / "testdata" / "stability").glob("v1.*/base-controlplane.yaml")
    )
    texts = [f.read_text() for f in files]

    def ours() -> None:
        for t in texts:
            load(t).validate("cloud")

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
    from pytalos.machinery.config.patch import apply, load_patch

    case = TESTDATA / "configpatcher" / "testdata" / "apply"
    config = (case / "config.yaml").read_text()
    names = ("strategic1.yaml", "jsonpatch1.yaml", "jsonpatch2.yaml", "strategic2.yaml", "strategic3.yaml")
    patches = [load_patch((case / name).read_bytes(), name) for name in names]

    def ours() -> None:
        apply(load(config), patches).encode()

    def baseline() -> None:
        yaml.dump(yaml.load(config, Loader=yaml.CSafeLoader), Dumper=yaml.CSafeDumper)

    return [
        Row(
            "patch apply (3 strategic + 2 JSON)",
            median_time(ours, runs),
            "PyYAML load+dump",
            median_time(baseline, runs),
        )
    ]


ALL = (bench_gen_config, bench_load_validate, bench_patch)
