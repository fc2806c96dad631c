"""Timing helpers and the result table shared by every benchmark module.

Numbers from one machine mean little alone, so every row pairs a measurement with a baseline taken
in the same run (an interpreter start, a plain PyYAML load, ...) and prints the ratio; targets are
printed next to them so a regression is visible without a second run.

A row's values are in its :attr:`Row.unit`: seconds by default (printed as s/ms/µs), ``"MB"`` for
memory (megabytes, 10⁶ bytes), ``"/s"`` for rates (printed as /s, k/s, M/s); any other unit is
printed after the number as given.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

SECONDS = "s"
MEGABYTES = "MB"
PER_SECOND = "/s"


@dataclass
class Row:
    """One measurement beside its same-run baseline, both in ``unit`` (see the module docstring)."""

    name: str
    median: float
    baseline_name: str
    baseline: float
    target: str = ""
    unit: str = SECONDS

    @property
    def ratio(self) -> float:
        return self.median / self.baseline if self.baseline else float("nan")

    def fmt(self, value: float) -> str:
        return format_value(value, self.unit)


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
        (r.name, r.fmt(r.median), r.baseline_name, r.fmt(r.baseline), f"{r.ratio:.2f}x", r.target)
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=False)]
    out = [f"median of {runs} runs"]
    for line in (header, *lines):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip())
    return "\n".join(out)


def format_value(value: float, unit: str) -> str:
    if unit == SECONDS:
        return _seconds(value)
    if unit == MEGABYTES:
        return f"{value:.1f} MB"
    if unit == PER_SECOND:
        for scale, prefix in ((1e6, "M"), (1e3, "k")):
            if value >= scale:
                return f"{value / scale:.1f}{prefix}/s"
        return f"{value:.1f}/s"
    return f"{value:.3g} {unit}"


def _seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
