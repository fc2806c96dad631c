"""Timing helpers and the result table shared by every benchmark module.

Numbers from one machine mean little alone, so every row pairs a measurement with a baseline taken
in the same run (an interpreter start, a plain PyYAML load, ...) and prints the ratio; targets are
printed next to them so a regression is visible without a second run.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    name: str
    median_s: float
    baseline_name: str
    baseline_s: float
    target: str = ""

    @property
    def ratio(self) -> float:
        return self.median_s / self.baseline_s if self.baseline_s else float("nan")


def median_time(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` over ``runs`` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def median_command_time(argv: list[str], runs: int, cwd: str | None = None) -> float:
    """Median wall time of a whole command (interpreter start included)."""

    def run() -> None:
        subprocess.run(argv, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return median_time(run, runs)


def render(rows: list[Row], runs: int) -> str:
    header = ("benchmark", "median", "baseline", "baseline median", "ratio", "target")
    lines = [
        (r.name, _fmt(r.median_s), r.baseline_name, _fmt(r.baseline_s), f"{r.ratio:.2f}x", r.target)
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=False)]
    out = [f"median of {runs} runs"]
    for line in (header, *lines):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip())
    return "\n".join(out)


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
