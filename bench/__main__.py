"""Run every benchmark and print the table: ``python -m bench [--runs N]``."""

from __future__ import annotations

import argparse

from . import machinery
from .harness import Row, render


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=11, help="runs per measurement (median is reported)")
    args = parser.parse_args()
    rows: list[Row] = []
    for bench in machinery.ALL:
        rows += bench(args.runs)
    print(render(rows, args.runs))


if __name__ == "__main__":
    main()
