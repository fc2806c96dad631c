"""Run every benchmark and print the table: ``python -m bench [--runs N]``."""

from __future__ import annotations

import argparse
import compileall

from . import apid, cluster, machinery, node, runtime, system
from .harness import Row, render


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=11, help="runs per measurement (median is reported)")
    args = parser.parse_args()
    # measure what an installed package runs: byte-compiled modules, not compile-on-import
    compileall.compile_dir(str(machinery.REPO / "src"), quiet=1)
    rows: list[Row] = []
    for bench in (*machinery.ALL, *runtime.ALL, *system.ALL, *node.ALL, *apid.ALL, *cluster.ALL):
        rows += bench(args.runs)
    print(render(rows, args.runs))


if __name__ == "__main__":
    main()
