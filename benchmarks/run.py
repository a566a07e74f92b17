"""Run every ``benchmarks/bench_*.py`` (each has a ``main()``) in its own process.

Usage: ``python benchmarks/run.py [name-filter ...]``. Each benchmark prints
``bench <name>: ours <s> s, <peer> <s> s, ratio <peer/ours>``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    files = sorted(here.glob("bench_*.py"))
    if argv:
        files = [f for f in files if any(a in f.stem for a in argv)]
    failed = 0
    for f in files:
        proc = subprocess.run([sys.executable, str(f)], cwd=here.parent)
        failed += proc.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
